using System.CommandLine;
using System.Globalization;
using System.Text;
using Concentrator.Host.Management;
using Concentrator.Server.Cluster;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator cluster</c>: the cluster as this node sees it (members, their status and reachability,
/// the leader) and, as each member answered, the IKE SAs it holds and its share, and the pool blocks it owns.</summary>
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

    /// <summary><c>concentrator drain</c>: before maintenance, this node sends every new client that supports it
    /// (RFC 5685 REDIRECT_SUPPORTED) to the least-loaded other node, and the others stop sending clients here.</summary>
    public static Command CreateDrain()
    {
        var established = new Option<bool>("--established")
        {
            Description = "Also redirect established clients that announced REDIRECT_SUPPORTED (REDIRECT in an INFORMATIONAL, RFC 5685 §5).",
        };
        return ManagementVerb.Create("drain", "Redirect every new client that supports it (RFC 5685) to other cluster nodes.", [established],
            async (result, client, json, output, stop) =>
            {
                var path = "cluster/drain" + (result.GetValue(established) ? "?established=true" : "");
                if (json)
                {
                    await output.WriteLineAsync(await client.PostRawAsync(path, stop).ConfigureAwait(false)).ConfigureAwait(false);
                    return;
                }

                var started = await client.PostAsync(path, ManagementJson.Default.DrainStarted, stop).ConfigureAwait(false);
                await output.WriteLineAsync(started.Target.Length > 0
                    ? $"draining: new clients that support redirect go to {started.Target}"
                    : "draining: no other node serves, so new clients are still served here").ConfigureAwait(false);
                if (result.GetValue(established) && started.Target.Length > 0)
                {
                    await output.WriteLineAsync($"established IKE SAs told to redirect their clients: {started.EstablishedTold}").ConfigureAwait(false);
                }
            });
    }

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
        if (view.Load.Count > 0)
        {
            text.Append(TextTable.Render(["NODE", "SAS", "GATEWAY", "DRAINING"],
                view.Load.Select(l => (IReadOnlyList<string>)[l.Node, l.Held.ToString(CultureInfo.InvariantCulture), l.Gateway, l.Draining ? "yes" : "no"])));
            text.Append(CultureInfo.InvariantCulture, $"new clients that support redirect: {(view.RedirectTo.Length > 0 ? $"to {view.RedirectTo} ({view.RedirectReason})" : "served here")}\n");
        }

        if (view.Nodes.Count > 0)
        {
            text.Append(TextTable.Render(["NODE", "SAS", "SHARE", "ADMITTING", "DRAINING", "BLOCKS", "LEASED", "FREE"],
                view.Nodes.Select(n => (IReadOnlyList<string>)(n.Answered
                    ? [Mark(n), Number(n.Held), string.Create(CultureInfo.InvariantCulture, $"{n.Share * 100:0}%"), n.Admitting ? "yes" : "no", n.Draining ? "yes" : "no",
                        Number(n.Blocks.Count), Number(n.Blocks.Sum(b => b.Leased)), Number(n.Blocks.Aggregate(0UL, (sum, b) => sum + b.Free))]
                    : [Mark(n), n.Problem, "-", "-", "-", "-", "-", "-"]))));
            var blocks = view.Nodes.SelectMany(n => n.Blocks.Select(b => (n.Node, Block: b))).ToList();
            if (blocks.Count > 0)
            {
                text.Append(TextTable.Render(["NODE", "POOL", "BLOCK", "SIZE", "LEASED", "FREE"],
                    blocks.Select(x => (IReadOnlyList<string>)[x.Node, x.Block.Pool, x.Block.Block, Number(x.Block.Size), Number(x.Block.Leased), Number(x.Block.Free)])));
            }

            return text.ToString();
        }

        if (view.Blocks.Count > 0)
        {
            text.Append(TextTable.Render(["POOL", "BLOCK", "SIZE", "LEASED"],
                view.Blocks.Select(b => (IReadOnlyList<string>)[b.Pool, b.Block, b.Size.ToString(CultureInfo.InvariantCulture), b.Leased.ToString(CultureInfo.InvariantCulture)])));
        }

        return text.ToString();
    }

    private static string Mark(NodeView node) => node.Self ? node.Node + " (this)" : node.Node;

    private static string Number<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
