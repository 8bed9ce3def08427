namespace Concentrator.Server.Management;

// The management API's questions and answers, asked of the ManagementActor (and, for the SAs, of the actors that own
// them). Every answer is an immutable snapshot of plain values (strings, numbers), ready to be written as JSON.

/// <summary>Lists the established IKE SAs matching <paramref name="Filter"/>; answered with <see cref="SaList"/>.</summary>
public sealed record ListSas(SaFilter Filter);

/// <summary>The IKE SAs found, in no particular order.</summary>
public sealed record SaList(IReadOnlyList<SaSummary> Sas);

/// <summary>Asks for one IKE SA by <see cref="SaSummary.Id"/>; answered with <see cref="SaDetail"/> or <see cref="SaNotFound"/>.</summary>
public sealed record ShowSa(string Id);

public sealed record SaNotFound(string Id);

/// <summary>Deletes the IKE SAs matching <paramref name="Filter"/> (each sends an INFORMATIONAL Delete to its
/// client first); answered with <see cref="SasTerminated"/> once they were told.</summary>
public sealed record TerminateSas(SaFilter Filter, string Reason = "terminated by the operator");

/// <summary>The IKE SAs told to delete themselves.</summary>
public sealed record SasTerminated(IReadOnlyList<string> Ids)
{
    /// <summary>The cluster member that held them, when another than the one asked; null (and not written) otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }
}

/// <summary>Asks for <see cref="PoolList"/>.</summary>
public sealed record ListPools
{
    public static ListPools Instance { get; } = new();
}

public sealed record PoolList(IReadOnlyList<PoolInfo> Pools);

/// <summary>One address pool: its prefix, <paramref name="Size"/> addresses, <paramref name="Leased"/> held by live
/// IKE SAs, <paramref name="Remembered"/> kept for an identity (leased or not), the connections drawing from it.</summary>
public sealed record PoolInfo(string Prefix, ulong Size, int Leased, int Remembered, IReadOnlyList<string> Connections)
{
    public ulong Free => Size - (ulong)Remembered;
}

/// <summary>Asks for <see cref="ConnectionList"/>.</summary>
public sealed record ListConnections
{
    public static ListConnections Instance { get; } = new();
}

public sealed record ConnectionList(IReadOnlyList<ConnectionInfo> Connections);

/// <summary>One served connection, in the operator's order: where it is written, who may use it and how, where its
/// clients' traffic goes (interface, pools, local selectors) and how many IKE SAs it has now.</summary>
public sealed record ConnectionInfo(string Name, string File, string LocalId, string LocalAuth, string RemoteId, string RemoteAuth,
    string Interface, IReadOnlyList<string> Pools, IReadOnlyList<string> LocalTs, int IkeSas);

/// <summary>Asks for <see cref="InterfaceList"/>.</summary>
public sealed record ListInterfaces
{
    public static ListInterfaces Instance { get; } = new();
}

public sealed record InterfaceList(IReadOnlyList<InterfaceInfo> Interfaces);

/// <summary>One actor that supervises established IKE SAs: ipsecN (with its ifindex, whether we created it, the
/// routed pool prefixes) or "policy-based".</summary>
public sealed record InterfaceInfo(string Name, int? Index, bool Managed, IReadOnlyList<string> Connections, IReadOnlyList<string> Routes, int Sas)
{
    /// <summary>The device's own counters (receive = decrypted out of the tunnel, transmit = routed into it); null for
    /// policy-based SAs, which have no device.</summary>
    public Metrics.InterfaceCounters? Traffic { get; init; }
}

/// <summary>Asks for <see cref="Statistics"/>.</summary>
public sealed record GetStatistics
{
    public static GetStatistics Instance { get; } = new();
}

/// <summary>Counters since start: <paramref name="Setups"/> IKE SAs established, <paramref name="HandshakesStarted"/>
/// IKE_SA_INITs admitted, <paramref name="Failures"/> handshakes that ended without an SA by cause (the Notify sent
/// or received, or the reason), <paramref name="HalfOpen"/> and <paramref name="Established"/> now,
/// <paramref name="CookiesSent"/>, and datagrams dropped before any IKE SA by reason.</summary>
public sealed record Statistics(
    long Setups,
    long HandshakesStarted,
    IReadOnlyDictionary<string, long> Failures,
    int HalfOpen,
    int Established,
    long CookiesSent,
    IReadOnlyDictionary<string, long> Drops)
{
    /// <summary>Established IKE SAs removed because the peer stopped answering (DPD, retransmissions).</summary>
    public long DeadPeers { get; init; }

    public long IkeRekeys { get; init; }

    public long ChildRekeys { get; init; }

    /// <summary>Initiations the gateway started (its connections' start-action, trap, close-action, dpd-action).</summary>
    public long Initiations { get; init; }

    /// <summary>Initiations that ended without an IKE SA, by cause (the Notify, Timeout, resolve, no-route, spawn).</summary>
    public IReadOnlyDictionary<string, long> InitiationFailures { get; init; } = new Dictionary<string, long>();

    /// <summary>On a cluster node: messages its code sent to other members since start, by kind (Metrics/ClusterTraffic);
    /// empty on a single node.</summary>
    public IReadOnlyDictionary<string, long> ClusterMessages { get; init; } = new Dictionary<string, long>();

    /// <summary>On a cluster node: writes to its own DistributedData replica (gossip carries them), by kind.</summary>
    public IReadOnlyDictionary<string, long> ClusterReplicatedWrites { get; init; } = new Dictionary<string, long>();

    /// <summary>On a cluster node: pool blocks handed out to it since start.</summary>
    public long BlockHandOuts { get; init; }

    /// <summary>The netlink writers' batches, messages and transport errors ("xfrm.batches", …); empty on the userspace dataplane.</summary>
    public IReadOnlyDictionary<string, long> Kernel { get; init; } = new Dictionary<string, long>();
}

/// <summary>An established IKE SA as listed: <paramref name="Id"/> is its actor's name (<c>ike-</c> and our SPI in
/// hex), stable for the SA's life.</summary>
public sealed record SaSummary(
    string Id,
    string Connection,
    string Interface,
    string? Identity,
    string Remote,
    string Local,
    IReadOnlyList<string> VirtualIps,
    DateTimeOffset EstablishedAt)
{
    /// <summary>Bytes and packets each way of its CHILD SAs now in the kernel (as the dataplane counts them); null
    /// when they were not read.</summary>
    public SaTraffic? Traffic { get; init; }

    /// <summary>The cluster member that holds it, in a cluster-wide answer; null (and not written) in a node's own.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }
}

/// <summary>What the dataplane counted through an SA: <paramref name="BytesIn"/>/<paramref name="PacketsIn"/> from the
/// client (inbound ESP), <paramref name="BytesOut"/>/<paramref name="PacketsOut"/> to it.</summary>
public sealed record SaTraffic(ulong BytesIn, ulong PacketsIn, ulong BytesOut, ulong PacketsOut)
{
    public static SaTraffic Zero { get; } = new(0, 0, 0, 0);

    public SaTraffic Plus(SaTraffic other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(BytesIn + other.BytesIn, PacketsIn + other.PacketsIn, BytesOut + other.BytesOut, PacketsOut + other.PacketsOut);
    }
}

/// <summary>One IKE SA in full: its summary's facts plus state, SPIs, algorithms, NAT and its CHILD SAs.</summary>
public sealed record SaDetail(
    SaSummary Summary,
    string State,
    string InitiatorSpi,
    string ResponderSpi,
    string IkeAlgorithms,
    bool NatDetected,
    IReadOnlyList<ChildSaInfo> ChildSas)
{
    /// <summary>Bytes and packets each way over the IKE SA's life: its CHILD SAs now plus those rekeyed or deleted
    /// before (read from the dataplane just before each left).</summary>
    public SaTraffic? Traffic { get; init; }
}

/// <summary>One CHILD SA: SPIs in hex, ESP algorithms, traffic selectors, UDP encapsulation, creation time.</summary>
public sealed record ChildSaInfo(
    string InboundSpi,
    string OutboundSpi,
    string Algorithms,
    IReadOnlyList<string> LocalSelectors,
    IReadOnlyList<string> RemoteSelectors,
    bool UdpEncapsulation,
    DateTimeOffset CreatedAt)
{
    /// <summary>This CHILD SA's bytes and packets each way, read from the dataplane for the answer.</summary>
    public SaTraffic? Traffic { get; init; }
}

/// <summary>Asks the IKE SA <paramref name="Id"/> to rekey its CHILD SAs now, or with <see cref="Ike"/> the IKE SA itself
/// (swanctl --rekey --ike); answered with <see cref="SaRekeyed"/> or <see cref="SaNotFound"/>.</summary>
public sealed record RekeySa(string Id)
{
    /// <summary>Rekey the IKE SA (CREATE_CHILD_SA with SA, Ni, KEi; its CHILD SAs move to the new one) instead.</summary>
    public bool Ike { get; init; }
}

/// <summary><paramref name="ChildSas"/> CHILD SA rekeys started by the gateway (CREATE_CHILD_SA with REKEY_SA), or
/// with <see cref="IkeSa"/> the IKE SA's rekey; <paramref name="Note"/> says what was (not) done.</summary>
public sealed record SaRekeyed(string Id, int ChildSas, string Note)
{
    /// <summary>An IKE SA rekey was started.</summary>
    public bool IkeSa { get; init; }
}

/// <summary>Told by an IKE SA actor to the interface actor it lives under once it is established: what listings
/// and filters see of it until it stops.</summary>
public sealed record SaRegistered(SaSummary Summary);

/// <summary>Asks an interface actor how many IKE SAs were established under it since start; answered with a long.</summary>
public sealed record GetSetupCount
{
    public static GetSetupCount Instance { get; } = new();
}

/// <summary>Told by a handshake's IKE SA actor to its observer (the dispatcher) when it stops without having been
/// established: <paramref name="Cause"/> is the Notify that ended it, or why not.</summary>
public sealed record HandshakeFailed(string Cause);

/// <summary>Asks the dispatcher for its handshake failures by cause; answered with an
/// <c>IReadOnlyDictionary&lt;string, long&gt;</c>.</summary>
public sealed record GetHandshakeFailures
{
    public static GetHandshakeFailures Instance { get; } = new();
}
