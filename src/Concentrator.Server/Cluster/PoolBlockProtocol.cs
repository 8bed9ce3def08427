namespace Concentrator.Server.Cluster;

// Messages between a node (NodeBlocksActor) and the pool block allocator (the cluster singleton). They cross nodes,
// so they carry only strings and numbers: blocks as CIDR text, families as 4 or 6, owners as "address#uid".

/// <summary>A node asks to own <paramref name="Want"/> blocks of <paramref name="Family"/> (4 or 6) of the pool
/// <paramref name="Space"/> in all. Idempotent: a lost answer is repaired by asking again. Answered with
/// <see cref="BlocksOwned"/>.</summary>
public sealed record RequestBlocks(string Space, int Family, int Want, string Owner);

/// <summary>Every block of <paramref name="Space"/> and <paramref name="Family"/> that <paramref name="Owner"/> owns,
/// once the decision is replicated to a majority. Fewer than <paramref name="Want"/>: the pool has no free block left.</summary>
public sealed record BlocksOwned(string Space, int Family, string Owner, int Want, IReadOnlyList<string> Blocks);

/// <summary>Asks <c>/user/cluster-node</c> for <see cref="ClusterView"/> (the management API's <c>GET /cluster</c>).</summary>
public sealed record GetClusterView
{
    public static GetClusterView Instance { get; } = new();
}

/// <summary>The cluster as this node sees it: itself, the leader, every member with its status, whether this node
/// can reach it and its roles, and the pool blocks this node owns (its routes into ipsecN).
/// <paramref name="Enabled"/> false: a single node, nothing else set.</summary>
public sealed record ClusterView(bool Enabled, string Self, string Leader, bool Admitting, IReadOnlyList<ClusterMemberView> Members, IReadOnlyList<OwnedBlock> Blocks)
{
    public static ClusterView Off { get; } = new(false, "", "", true, [], []);

    /// <summary>The IKE SAs each node holds, as gossiped (the load that redirect weighs).</summary>
    public IReadOnlyList<NodeLoadView> Load { get; init; } = [];

    /// <summary>Whether this node drains (<c>concentrator drain</c>).</summary>
    public bool Draining { get; init; }

    /// <summary>Where new clients that follow redirects are sent now ("" = served here), and why.</summary>
    public string RedirectTo { get; init; } = "";

    public string RedirectReason { get; init; } = "";

    /// <summary>Every Up member's own state, asked of it (<c>concentrator cluster</c> on any node shows the whole
    /// cluster); a member that did not answer in time is listed with why.</summary>
    public IReadOnlyList<NodeView> Nodes { get; init; } = [];
}

/// <summary>One member as it answered: the IKE SAs it holds and its <paramref name="Share"/> of the cluster's (0 to 1,
/// over the members that answered), whether it admits new SAs and drains, and the pool blocks it owns.
/// <paramref name="Problem"/> says why a member did not answer (then nothing else is set).</summary>
public sealed record NodeView(string Node, bool Self, bool Answered, string Problem, int Held, double Share, bool Admitting, bool Draining,
    IReadOnlyList<OwnedBlock> Blocks);

public sealed record NodeLoadView(string Node, int Held, string Gateway, bool Draining);

public sealed record ClusterMemberView(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles);

/// <summary>A pool block this node owns and how many of its addresses live IKE SAs hold.</summary>
public sealed record OwnedBlock(string Pool, string Block, ulong Size, int Leased)
{
    public ulong Free => Size - (ulong)Math.Max(Leased, 0);
}
