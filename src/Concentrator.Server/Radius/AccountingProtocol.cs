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

/// <summary>Told when an Interim-Update of the session is due (RFC 2869 §2.1, every Acct-Interim-Interval): it goes
/// out once the live counter read <paramref name="ReadId"/> (the SA's current CHILD SAs) and the
/// <paramref name="ClosedReads"/> reads of CHILD SAs removed so far have arrived, and carries their sum: the session's
/// totals since Start. Told before the live read is asked for, so its answer is known as this interim's.</summary>
public sealed record SessionInterim(long CorrelationId, long ReadId, AccountingSession Session, TimeSpan SessionTime, int ClosedReads);
