using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator connections</c>: the connections served (after the last reload), in the operator's order:
/// identities and authentication of both ends, interface, pools, local selectors and IKE SAs now.</summary>
internal static class ConnectionsVerb
{
    public static Command Create() => ManagementVerb.Create("connections", "List the connections served and their IKE SAs.", [],
        async (_, client, json, output, stop) =>
        {
            if (json)
            {
                await output.WriteLineAsync(await client.GetRawAsync("connections", stop).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            await output.WriteAsync(ManagementViews.Connections(await client.GetAsync("connections", ManagementJson.Default.ConnectionList, stop).ConfigureAwait(false))).ConfigureAwait(false);
        });
}
