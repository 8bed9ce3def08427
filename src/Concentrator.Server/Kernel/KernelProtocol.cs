using System.Net;
using Akka.Actor;
using Concentrator.Kernel;

namespace Concentrator.Server.Kernel;

// Kernel events: the owner of a reqid (the sender of its InstallChild) receives Concentrator.Kernel.SaExpiredEvent
// as is; other events (AcquireEvent, PolicyExpiredEvent, EventsLostEvent, expiries of unknown reqids) are
// published on the actor system's EventStream.

/// <summary>A command to the kernel actor. <see cref="CorrelationId"/> is chosen by the sender and comes back
/// in the answer (<see cref="KernelDone"/>, <see cref="KernelFailed"/> or a command-specific one).</summary>
public interface IKernelCommand
{
    long CorrelationId { get; }
}

/// <summary>One SA of a CHILD SA (inbound SPIs come from the node's ChildSpiRegistry, so every SA is new:
/// XFRM_MSG_NEWSA).</summary>
public sealed record SaInstall(SaRequest Request);

/// <summary>
/// Installs a CHILD SA: its SAs in order, then its policies in order (an SA before the policies that need it,
/// so no packet meets a policy without a state). All or nothing: when one step fails, the SAs (and the policies,
/// unless <see cref="ReplacePolicies"/>) installed so far are removed again and <see cref="KernelFailed"/> comes
/// back. Commands with the same <paramref name="Reqid"/> run one after the other, in the order they arrived.
/// The sender becomes the owner: when it stops, what it installed is removed.
/// </summary>
public sealed record InstallChild(long CorrelationId, uint Reqid, IReadOnlyList<SaInstall> Sas, IReadOnlyList<PolicyRequest> Policies) : IKernelCommand
{
    /// <summary>The owner sends <see cref="RemoveOwnedBy"/> itself when it stops (an IKE SA actor does, from PostStop),
    /// so the kernel actor does not watch it: a watched actor costs Akka ≈ 400 bytes of death-watch state (issue 13).</summary>
    public bool OwnerReportsStop { get; init; }

    /// <summary>Rekey: the policies exist (they belong to the same reqid) and are updated, not created, and
    /// are left in place if a later step fails.</summary>
    public bool ReplacePolicies { get; init; }
}

/// <summary>Removes what the sender installed for one CHILD SA: its states (<paramref name="InboundSpi"/>,
/// <paramref name="OutboundSpi"/>) of <paramref name="Reqid"/> and, when no other states of the reqid are left (a
/// rekey's newer CHILD SA took the policies over, RFC 7296 §1.3.3), the reqid's policies too. The kernel actor
/// keeps the record of what is installed and turns this into a <see cref="RemoveChild"/>; answered like it, or
/// with <see cref="KernelDone"/> at once when nothing of the CHILD SA is recorded.</summary>
public sealed record RemoveChildSa(long CorrelationId, uint Reqid, uint InboundSpi, uint OutboundSpi) : IKernelCommand;

/// <summary>Removes SAs and policies (policies first, so no packet meets a policy whose state is gone). A state
/// or policy that is already gone (ESRCH/ENOENT) counts as removed; other errors do not stop the rest.</summary>
public sealed record RemoveChild(long CorrelationId, uint Reqid, IReadOnlyList<SaId> Sas, IReadOnlyList<PolicyId> Policies) : IKernelCommand;

public sealed record AddRoute(long CorrelationId, RouteRequest Route) : IKernelCommand;

/// <summary>Puts an address on a device (RTM_NEWADDR, as <c>ip addr add</c>); EEXIST (already there) comes back as
/// <see cref="KernelFailed"/> for the sender to take as done.</summary>
public sealed record AddAddress(long CorrelationId, AddressRequest Address) : IKernelCommand;

/// <summary>Removes an address from a device (RTM_DELADDR); already gone counts as done.</summary>
public sealed record DeleteAddress(long CorrelationId, AddressRequest Address) : IKernelCommand;

/// <summary>Deletes a route; ESRCH (already gone) counts as done.</summary>
public sealed record DeleteRoute(long CorrelationId, RouteRequest Route) : IKernelCommand;

/// <summary>
/// Adopts the xfrm interface with the request's if_id if one exists (<see cref="InterfaceReady.Managed"/> =
/// false: the operator made it, we never delete it), else creates it (managed). Answered with <see cref="InterfaceReady"/>.
/// </summary>
public sealed record EnsureInterface(long CorrelationId, InterfaceRequest Request) : IKernelCommand;

public sealed record InterfaceReady(long CorrelationId, int Index, string Name, bool Managed);

public sealed record DeleteInterface(long CorrelationId, int Index) : IKernelCommand;

/// <summary>Removes everything <paramref name="Owner"/> installed that is still in place (the kernel actor does
/// this by itself when an owner stops). Answered with <see cref="KernelDone"/>.</summary>
public sealed record RemoveOwnedBy(long CorrelationId, IActorRef Owner) : IKernelCommand;

/// <summary>The command succeeded.</summary>
public sealed record KernelDone(long CorrelationId);

/// <summary>
/// The kernel refused: <paramref name="Errno"/> (positive, 0 when the failure was not the kernel's answer, e.g.
/// an exception of the implementation) and the extended ack text. <paramref name="Operation"/> names the step.
/// </summary>
public sealed record KernelFailed(long CorrelationId, int Errno, string? ExtAck, string Operation)
{
    /// <summary>Steps of the rollback that failed too (the state they name may be left in the kernel).</summary>
    public IReadOnlyList<string> RollbackErrors { get; init; } = [];

    public override string ToString() => $"{Operation}: {KernelException.Describe(Errno, ExtAck)}";
}

/// <summary>Reads the dataplane counters of the SAs <paramref name="Owner"/> installed (XFRM_MSG_GETSA per state): all
/// of them, or those with an SPI in <see cref="Only"/>; those with an SPI in <paramref name="InboundSpis"/> add up to
/// the inbound side, the rest to the outbound side. Answered with <see cref="OwnedCounters"/> to the sender. Read
/// when the message is handled, before any removal the owner sends after it; SAs already gone count as zero.</summary>
public sealed record ReadOwnedCounters(long CorrelationId, IActorRef Owner, IReadOnlyCollection<uint> InboundSpis)
{
    public IReadOnlyCollection<uint>? Only { get; init; }
}

/// <summary>The answer to <see cref="ReadOwnedCounters"/>: octets and packets, each side summed over the owner's SAs.</summary>
public sealed record OwnedCounters(long CorrelationId, ulong InboundOctets, ulong InboundPackets, ulong OutboundOctets, ulong OutboundPackets)
{
    /// <summary>Both reads added, side by side (the correlation id is this one's).</summary>
    public OwnedCounters Plus(OwnedCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            InboundOctets = InboundOctets + other.InboundOctets,
            InboundPackets = InboundPackets + other.InboundPackets,
            OutboundOctets = OutboundOctets + other.OutboundOctets,
            OutboundPackets = OutboundPackets + other.OutboundPackets,
        };
    }
}

/// <summary>Reads the counters of every owner named in <paramref name="LocalByOwner"/> (an IKE SA actor's name → our
/// address of it: an SA towards that address is inbound) in one pass; answered with <see cref="TrafficByOwner"/>
/// (owners with nothing installed are left out). For listings: one message however many SAs.</summary>
public sealed record ReadTrafficByOwner(IReadOnlyDictionary<string, System.Net.IPAddress> LocalByOwner);

public sealed record TrafficByOwner(IReadOnlyDictionary<string, OwnedCounters> Counters);
