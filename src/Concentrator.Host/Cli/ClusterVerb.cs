using System.CommandLine;
using System.Globalization;
using System.Text;
using Concentrator.Host.Management;
using Concentrator.Server.Cluster;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator cluster</c>: the cluster as this node sees it (members, their status and reachability,
/// the leader) and the pool blocks this node owns.</summary>
internal static class ClusterVerb
{
    public static Command Create() => ManagementVerb.Create("cluster", "Show the cluster's members and this node's pool blocks.", [],
        async (_, client, json, output, stop) =>
        {
            if (json)
            {
                await output.WriteLineAsync(await client.GetRawAsync("cluster", stop).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            await output.WriteAsync(View(await client.GetAsync("cluster", ManagementJson.Default.ClusterView, stop).ConfigureAwait(false))).ConfigureAwait(false);
        });

    public static string View(ClusterView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!view.Enabled)
        {
            return "not clustered (concentrator.cluster.enabled = off)\n";
        }

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"this node {view.Self}, leader {(view.Leader.Length > 0 ? view.Leader : "-")}, new IKE SAs {(view.Admitting ? "admitted" : "refused")}\n")
            .Append(TextTable.Render(["MEMBER", "STATUS", "REACHABLE", "ROLES"],
                view.Members.Select(m => (IReadOnlyList<string>)[m.Address, m.Status, m.Reachable ? "yes" : "no", m.Roles.Count == 0 ? "-" : string.Join(",", m.Roles)])));
        if (view.Blocks.Count > 0)
        {
            text.Append(TextTable.Render(["POOL", "BLOCK", "SIZE", "LEASED"],
                view.Blocks.Select(b => (IReadOnlyList<string>)[b.Pool, b.Block, b.Size.ToString(CultureInfo.InvariantCulture), b.Leased.ToString(CultureInfo.InvariantCulture)])));
        }

        return text.ToString();
    }
}
