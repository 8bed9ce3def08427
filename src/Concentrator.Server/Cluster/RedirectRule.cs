using System.Net;

namespace Concentrator.Server.Cluster;

/// <summary>One node's load as gossiped: the IKE SAs it holds, the address clients are redirected to when sent to it,
/// whether it drains. A node without a gateway address (its hostname is a name) is never a target.</summary>
public sealed record NodeLoad(string Node, int Held, IPAddress? Gateway, bool Draining);

/// <summary>
/// Where, if anywhere, this node sends new clients that follow redirects (RFC 5685): a draining node sends all of them
/// to the least-loaded node that does not drain; otherwise, with redirect on, a node holding at least
/// <see cref="ClusterRedirectSettings.MinSas"/> SAs and more than <see cref="ClusterRedirectSettings.AboveShare"/>
/// times its share (the SAs of the nodes not draining, divided among them) sends them to the least-loaded node, if
/// that one holds fewer than it.
/// </summary>
public static class RedirectRule
{
    /// <summary>The gateway to redirect to and why, or null to serve here.</summary>
    public static (IPAddress Target, string Reason)? Decide(string self, IReadOnlyCollection<NodeLoad> loads, ClusterRedirectSettings settings, bool draining)
    {
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(settings);
        var target = loads.Where(l => l.Node != self && !l.Draining && l.Gateway is not null).OrderBy(l => l.Held).ThenBy(l => l.Node, StringComparer.Ordinal).FirstOrDefault();
        if (target is null)
        {
            return null;
        }

        if (draining)
        {
            return (target.Gateway!, $"this node drains; {target.Node} holds {target.Held} SA(s)");
        }

        var mine = loads.FirstOrDefault(l => l.Node == self);
        if (!settings.Enabled || mine is null)
        {
            return null;
        }

        var serving = loads.Where(l => !l.Draining).ToList();
        var share = (double)serving.Sum(l => l.Held) / serving.Count;
        return mine.Held >= settings.MinSas && mine.Held > share * settings.AboveShare && target.Held < mine.Held
            ? (target.Gateway!, $"this node holds {mine.Held} SA(s), above {settings.AboveShare:0.##} × its share of {share:0.#}; {target.Node} holds {target.Held}")
            : null;
    }
}
