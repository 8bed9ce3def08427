using System.CommandLine;
using Concentrator.Host.Management;
using Concentrator.Server.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator list-sas [--identity I] [--connection C] [--interface N] [--vip A] [--remote A] [--cluster]</c>:
/// the established IKE SAs, every given filter applied. This node's by default (cheap, nothing crosses nodes, the JSON
/// array scripts already read); <c>--cluster</c> asks every Up member and names each SA's node, plus any member
/// that did not answer.</summary>
internal static class ListSasVerb
{
    public static Command Create()
    {
        var identity = new Option<string?>("--identity") { Description = "Only the SAs of this peer identity." };
        var connection = new Option<string?>("--connection") { Description = "Only the SAs of this connection." };
        var ifname = new Option<string?>("--interface") { Description = "Only the SAs under this interface (ipsecN or policy-based)." };
        var vip = new Option<string?>("--vip") { Description = "Only the SA holding this virtual IP." };
        var remote = new Option<string?>("--remote") { Description = "Only the SAs of this remote address." };
        var cluster = new Option<bool>("--cluster") { Description = "The SAs of every cluster member, each naming its node." };
        return ManagementVerb.Create("list-sas", "List the established IKE SAs.", [identity, connection, ifname, vip, remote, cluster],
            async (result, client, json, output, stop) =>
            {
                var query = Query(result.GetValue(identity), result.GetValue(connection), result.GetValue(ifname), result.GetValue(vip), result.GetValue(remote));
                if (result.GetValue(cluster))
                {
                    if (json)
                    {
                        await client.CopyRawAsync("cluster/sas" + query, output, stop).ConfigureAwait(false);
                        return;
                    }

                    var all = await client.GetAsync("cluster/sas" + query, ManagementJson.Default.ClusterSaList, stop).ConfigureAwait(false);
                    await output.WriteAsync(ManagementViews.ClusterSas(all, DateTimeOffset.UtcNow)).ConfigureAwait(false);
                    return;
                }

                if (json)
                {
                    await client.CopyRawAsync("sas" + query, output, stop).ConfigureAwait(false);
                    return;
                }

                var sas = await client.GetAsync("sas" + query, ManagementJson.Default.ListSaSummary, stop).ConfigureAwait(false);
                await output.WriteAsync(ManagementViews.Sas(sas, DateTimeOffset.UtcNow)).ConfigureAwait(false);
            });
    }

    /// <summary>The query of the filter options; addresses go as typed (the API says when one does not parse).</summary>
    public static string Query(string? identity, string? connection, string? ifname, string? vip, string? remote)
    {
        var parts = new List<string>();
        foreach (var (key, value) in new[] { ("identity", identity), ("connection", connection), ("interface", ifname), ("vip", vip), ("remote", remote) })
        {
            if (value is not null)
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
