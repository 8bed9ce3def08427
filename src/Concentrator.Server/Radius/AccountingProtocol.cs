using Concentrator.Server.Kernel;

namespace Concentrator.Server.Radius;

/// <summary>Told to the node's <see cref="RadiusAccountingActor"/> when an IKE SA of an <c>eap-radius</c> connection is
/// established: it sends Accounting-Request Start (RFC 2866 §5.1).</summary>
public sealed record SessionStarted(AccountingSession Session);

/// <summary>Told when that IKE SA ends; the Stop goes out once all <paramref name="Reads"/> counter reads of the SA
/// have arrived as <see cref="OwnedCounters"/> with the same <paramref name="CorrelationId"/> (the SA has the kernel
/// actor read each CHILD SA's counters, with this actor as sender, just before it removes it: on a rekey, a Delete,
/// and for what is left when it stops).</summary>
public sealed record SessionEnded(long CorrelationId, AccountingSession Session, TerminateCause Cause, TimeSpan SessionTime, int Reads);
