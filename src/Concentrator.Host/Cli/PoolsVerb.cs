using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator pools</c>: each address pool's size, leases held and free addresses, and the connections
/// drawing from it.</summary>
internal static class PoolsVerb
{
    public static Command Create() => ManagementVerb.Create("pools", "Show the virtual IP pools.", [],
        async (_, client, json, output, stop) =>
        {
            if (json)
            {
                await output.WriteLineAsync(await client.GetRawAsync("pools", stop).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            await output.WriteAsync(ManagementViews.Pools(await client.GetAsync("pools", ManagementJson.Default.PoolList, stop).ConfigureAwait(false))).ConfigureAwait(false);
        });
}
