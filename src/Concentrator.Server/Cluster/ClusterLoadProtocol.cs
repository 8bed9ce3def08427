using System.Net;

namespace Concentrator.Server.Cluster;

/// <summary><c>concentrator drain</c>, to <c>/user/cluster-node</c> (forwarded to the load actor): this node stops
/// taking new clients that follow redirects (each is sent to the least-loaded other node) and gossips that it drains,
/// so no other node sends clients here. With <see cref="Established"/> (<c>drain --established</c>) each established IKE SA
/// whose client announced REDIRECT_SUPPORTED is sent there too, by REDIRECT in an INFORMATIONAL (RFC 5685 §5).
/// Answered with <see cref="DrainStarted"/>.</summary>
public sealed record DrainNode
{
    public static DrainNode Instance { get; } = new();

    public bool Established { get; init; }
}

/// <summary><paramref name="Target"/>: where new clients go now ("" when no other node serves, so none are redirected).</summary>
public sealed record DrainStarted(string Target)
{
    /// <summary>The established IKE SAs told to redirect their client (each sends REDIRECT only if its client supports it).</summary>
    public int EstablishedTold { get; init; }
}

/// <summary>To an interface actor (<c>drain --established</c>): tell every registered IKE SA to redirect its client to
/// <paramref name="Target"/> (<see cref="Concentrator.Server.Sa.RedirectClient"/>); answered with <see cref="ClientsRedirected"/>.</summary>
public sealed record RedirectEstablished(IPAddress Target);

/// <summary><paramref name="Told"/>: the established IKE SAs told.</summary>
public sealed record ClientsRedirected(int Told);

/// <summary>The load actor's picture, kept by <c>/user/cluster-node</c> for <c>concentrator cluster</c>.</summary>
public sealed record ClusterLoad(IReadOnlyList<NodeLoad> Nodes, bool Draining, IPAddress? RedirectTo, string Reason);
