using System.Net;
using System.Threading.Channels;
using Concentrator.Server.Cluster;

namespace Concentrator.Server.Management;

// The cluster-wide management questions, asked of /user/cluster-management on the node the operator talks to, and the
// questions that actor puts to its peers (the same actor on every Up member). What crosses nodes carries only strings,
// numbers and the answer records of ManagementProtocol (no IPAddress, no actor state).

/// <summary>Lists the IKE SAs matching <paramref name="Filter"/> on every Up member, streamed: each member's answer goes
/// to <paramref name="Parts"/> as it arrives (a member that is unreachable or silent for the peer timeout as a part
/// without SAs), and <paramref name="Parts"/> is completed once every member is in. Not answered otherwise; asked of the
/// local node only (a channel does not cross nodes).</summary>
public sealed record StreamClusterSas(SaFilter Filter, ChannelWriter<ClusterSaPart> Parts);

/// <summary>One member's part of a cluster-wide listing: its reply and the SAs it listed, as it listed them (they name no
/// node: the node is <see cref="NodeReply.Node"/> of <paramref name="Reply"/>).</summary>
public sealed record ClusterSaPart(NodeReply Reply, IReadOnlyList<SaSummary> Sas);

/// <summary>The whole of a cluster-wide listing as the API writes it (the CLI reads it into this): every member's answer
/// (or why there is none) and the SAs of those that answered, each naming its node.</summary>
public sealed record ClusterSaList(IReadOnlyList<NodeReply> Nodes, IReadOnlyList<SaSummary> Sas);

/// <summary>Asks for one IKE SA wherever it lives; answered with <see cref="SaDetail"/> (its summary naming the node) or
/// <see cref="SaNotFound"/>.</summary>
public sealed record ShowClusterSa(string Id);

/// <summary>Deletes the IKE SAs matching <paramref name="Filter"/> on every Up member; answered with
/// <see cref="ClusterSasTerminated"/>.</summary>
public sealed record TerminateClusterSas(SaFilter Filter, string Reason = "terminated by the operator");

/// <summary>Each member's answer with the ids it terminated (<see cref="NodeReply.Ids"/>).</summary>
public sealed record ClusterSasTerminated(IReadOnlyList<NodeReply> Nodes)
{
    public int Count => Nodes.Sum(n => n.Ids.Count);
}

/// <summary>Asks for this node's <see cref="ClusterView"/> with every member's state added
/// (<see cref="ClusterView.Nodes"/>).</summary>
public sealed record GetClusterOverview
{
    public static GetClusterOverview Instance { get; } = new();
}

/// <summary>One member's part of a cluster-wide answer: <paramref name="Node"/> its address; <paramref name="Problem"/>
/// empty when it answered, else why not ("unreachable", "no answer within 5 s", …).</summary>
public sealed record NodeReply(string Node, bool Answered, string Problem)
{
    /// <summary>The SAs it listed.</summary>
    public int Sas { get; init; }

    /// <summary>The IKE SAs it terminated.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
}

/// <summary>An <see cref="SaFilter"/> as it crosses nodes (addresses as text).</summary>
public sealed record PeerSaFilter(string? Id, string? Identity, string? Connection, string? Interface, string? VirtualIp, string? RemoteAddress)
{
    public static PeerSaFilter From(SaFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new(filter.Id, filter.Identity, filter.Connection, filter.Interface, filter.VirtualIp?.ToString(), filter.RemoteAddress?.ToString());
    }

    public SaFilter ToFilter() => new()
    {
        Id = Id,
        Identity = Identity,
        Connection = Connection,
        Interface = Interface,
        // Written by From on another node of the same version: an address that does not parse matches nothing.
        VirtualIp = VirtualIp is null ? null : IPAddress.TryParse(VirtualIp, out var v) ? v : IPAddress.None,
        RemoteAddress = RemoteAddress is null ? null : IPAddress.TryParse(RemoteAddress, out var r) ? r : IPAddress.None,
    };
}

/// <summary>From a peer: this node's SAs matching the filter; answered with <see cref="SaList"/>.</summary>
public sealed record PeerListSas(PeerSaFilter Filter);

/// <summary>From a peer: this node's SA <paramref name="Id"/>; answered with <see cref="SaDetail"/> or <see cref="SaNotFound"/>.</summary>
public sealed record PeerShowSa(string Id);

/// <summary>From a peer: delete this node's SAs matching the filter; answered with <see cref="SasTerminated"/>.</summary>
public sealed record PeerTerminateSas(PeerSaFilter Filter, string Reason);

/// <summary>From a peer: this node's state; answered with <see cref="NodeState"/>.</summary>
public sealed record GetNodeState
{
    public static GetNodeState Instance { get; } = new();
}

/// <summary>A node's own state: the IKE SAs it holds, whether it admits new ones and drains, the pool blocks it owns.</summary>
public sealed record NodeState(int Held, bool Admitting, bool Draining, IReadOnlyList<OwnedBlock> Blocks);
