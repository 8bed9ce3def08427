namespace Concentrator.Kernel;

/// <summary>Something the kernel told us unasked, on the XFRM multicast groups.</summary>
public abstract record KernelEvent;

/// <summary>
/// XFRM_MSG_EXPIRE: an SA reached its soft limit (time to rekey) or hard limit (the kernel deleted it).
/// <see cref="Reqid"/> ties it to the CHILD SA.
/// </summary>
public sealed record SaExpiredEvent(SaId Sa, uint Reqid, bool Hard) : KernelEvent
{
    public SaCounters Counters { get; init; }
}

/// <summary>XFRM_MSG_POLEXPIRE: a policy with a lifetime expired.</summary>
public sealed record PolicyExpiredEvent(PolicyId Policy, uint Index, bool Hard) : KernelEvent;

/// <summary>
/// XFRM_MSG_ACQUIRE: outbound traffic matched a policy with no SA (only for policies we install without one,
/// i.e. trap policies; the concentrator installs SAs before policies so this is rare).
/// </summary>
public sealed record AcquireEvent(TrafficSelector Selector, System.Net.IPAddress Source, System.Net.IPAddress Destination, uint Reqid, uint PolicyIndex) : KernelEvent
{
    public uint IfId { get; init; }
}

/// <summary>The kernel dropped multicast messages (ENOBUFS on the event socket): state may have changed unseen.</summary>
public sealed record EventsLostEvent : KernelEvent;
