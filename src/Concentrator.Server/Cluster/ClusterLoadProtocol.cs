using System.Net;

namespace Concentrator.Server.Cluster;

/// <summary><c>concentrator drain</c>, to <c>/user/cluster-node</c> (forwarded to the load actor): this node stops
/// taking new clients that follow redirects (each is sent to the least-loaded other node) and gossips that it drains,
/// so no other node sends clients here. Answered with <see cref="DrainStarted"/>.</summary>
public sealed record DrainNode
{
    public static DrainNode Instance { get; } = new();
}

/// <summary><paramref name="Target"/>: where new clients go now ("" when no other node serves, so none are redirected).</summary>
public sealed record DrainStarted(string Target);

/// <summary>The load actor's picture, kept by <c>/user/cluster-node</c> for <c>concentrator cluster</c>.</summary>
public sealed record ClusterLoad(IReadOnlyList<NodeLoad> Nodes, bool Draining, IPAddress? RedirectTo, string Reason);
