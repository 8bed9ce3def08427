using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator interfaces</c>: each ipsecN (and the policy-based home) with its connections, routes and
/// IKE SAs.</summary>
internal static class InterfacesVerb
{
    public static Command Create() => ManagementVerb.Create("interfaces", "Show the XFRM interfaces and their IKE SAs.", [],
        async (_, client, json, output, stop) =>
        {
            if (json)
            {
                await output.WriteLineAsync(await client.GetRawAsync("interfaces", stop).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            await output.WriteAsync(ManagementViews.Interfaces(await client.GetAsync("interfaces", ManagementJson.Default.InterfaceList, stop).ConfigureAwait(false))).ConfigureAwait(false);
        });
}
