using System.CommandLine;
using Concentrator.Host.Management;
using Concentrator.Server.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator list-sas [--identity I] [--connection C] [--interface N] [--vip A] [--remote A]</c>: the
/// established IKE SAs, every given filter applied.</summary>
internal static class ListSasVerb
{
    public static Command Create()
    {
        var identity = new Option<string?>("--identity") { Description = "Only the SAs of this peer identity." };
        var connection = new Option<string?>("--connection") { Description = "Only the SAs of this connection." };
        var ifname = new Option<string?>("--interface") { Description = "Only the SAs under this interface (ipsecN or policy-based)." };
        var vip = new Option<string?>("--vip") { Description = "Only the SA holding this virtual IP." };
        var remote = new Option<string?>("--remote") { Description = "Only the SAs of this remote address." };
        return ManagementVerb.Create("list-sas", "List the established IKE SAs.", [identity, connection, ifname, vip, remote],
            async (result, client, json, output, stop) =>
            {
                var query = Query(result.GetValue(identity), result.GetValue(connection), result.GetValue(ifname), result.GetValue(vip), result.GetValue(remote));
                if (json)
                {
                    await output.WriteLineAsync(await client.GetRawAsync("sas" + query, stop).ConfigureAwait(false)).ConfigureAwait(false);
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
