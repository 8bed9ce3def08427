using Concentrator.Server.Kernel;

namespace Concentrator.Server.Radius;

/// <summary>Told to the node's <see cref="RadiusAccountingActor"/> when an IKE SA of an <c>eap-radius</c> connection is
/// established: it sends Accounting-Request Start (RFC 2866 §5.1).</summary>
public sealed record SessionStarted(AccountingSession Session);

/// <summary>Told when that IKE SA ends; the Stop goes out once the SA's counters arrive as <see cref="OwnedCounters"/>
/// with the same <paramref name="CorrelationId"/> (the SA reads them from the kernel actor, with this actor as sender,
/// before it removes its CHILD SAs).</summary>
public sealed record SessionEnded(long CorrelationId, AccountingSession Session, TerminateCause Cause, TimeSpan SessionTime);
