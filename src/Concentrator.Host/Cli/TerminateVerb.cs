using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator terminate (--id ID | --identity I | --vip A | --connection C) [--cluster]</c>: deletes the
/// matching IKE SAs, each sending an INFORMATIONAL Delete to its client (as at shutdown). On a cluster node an id held
/// by another member is deleted there; <c>--cluster</c> applies any filter on every member.</summary>
internal static class TerminateVerb
{
    public static Command Create()
    {
        var id = new Option<string?>("--id") { Description = "The IKE SA with this id (list-sas' first column)." };
        var identity = new Option<string?>("--identity") { Description = "Every IKE SA of this peer identity." };
        var vip = new Option<string?>("--vip") { Description = "The IKE SA holding this virtual IP." };
        var connection = new Option<string?>("--connection") { Description = "Every IKE SA of this connection." };
        var cluster = new Option<bool>("--cluster") { Description = "Delete the matching IKE SAs on every cluster member." };
        var command = ManagementVerb.Create("terminate", "Delete IKE SAs (a Delete goes to each client).", [id, identity, vip, connection, cluster],
            async (result, client, json, output, stop) =>
            {
                var parts = new[] { ("id", result.GetValue(id)), ("identity", result.GetValue(identity)), ("vip", result.GetValue(vip)), ("connection", result.GetValue(connection)) }
                    .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}");
                if (result.GetValue(cluster))
                {
                    var across = "cluster/sas/terminate?" + string.Join('&', parts);
                    if (json)
                    {
                        await output.WriteLineAsync(await client.PostRawAsync(across, stop).ConfigureAwait(false)).ConfigureAwait(false);
                        return;
                    }

                    await output.WriteAsync(ManagementViews.ClusterTerminated(await client.PostAsync(across, ManagementJson.Default.ClusterSasTerminated, stop)
                        .ConfigureAwait(false))).ConfigureAwait(false);
                    return;
                }

                var path = "sas/terminate?" + string.Join('&', parts);
                if (json)
                {
                    await output.WriteLineAsync(await client.PostRawAsync(path, stop).ConfigureAwait(false)).ConfigureAwait(false);
                    return;
                }

                var terminated = await client.PostAsync(path, ManagementJson.Default.SasTerminated, stop).ConfigureAwait(false);
                await output.WriteLineAsync(terminated.Ids.Count == 0
                    ? "no IKE SA matched"
                    : $"terminated {terminated.Ids.Count} IKE SA(s): {string.Join(", ", terminated.Ids)}{(terminated.Node is null ? "" : $" on {terminated.Node}")}").ConfigureAwait(false);
            });
        command.Validators.Add(result =>
        {
            if (new Option[] { id, identity, vip, connection }.All(o => result.GetResult(o) is null))
            {
                result.AddError("terminate needs one of --id, --identity, --vip or --connection");
            }
        });
        return command;
    }
}
