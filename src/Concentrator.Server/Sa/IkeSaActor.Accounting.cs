using Akka.Actor;
using Concentrator.Server.Kernel;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Sa;

// RADIUS accounting of an eap-radius SA (RadiusAccountingActor): Start once established, Interim-Update every
// Acct-Interim-Interval (the Access-Accept's, else concentrator.radius.interim-interval; RFC 2869 §2.1) with the
// counters so far, Stop with the CHILD SAs' counters when the actor that held the established SA stops. A
// Session-Timeout in the Access-Accept (RFC 2865 §5.27) deletes the SA when it runs out (Acct-Terminate-Cause
// Session-Timeout).
public sealed partial class IkeSaActor
{
    private const string InterimKey = "accounting-interim";
    private const string SessionTimeoutKey = "radius-session-timeout";
    private IActorRef? _accounting;
    private long _interims;
    private bool _sessionTimedOut;
    private AccountingSession? _accountingSession;
    private bool _deletedByNode;
    private long _accountingId;
    private int _counterReads;

    private void StartAccounting()
    {
        if ((Sa.Connection?.Tag as ConnectionHome)?.Accounting is not { } accounting || Sa.EapBackend is not EapRadiusSession radius)
        {
            return;
        }

        _accounting = accounting;
        _accountingId = unchecked((long)Sa.ResponderSpi);
        _accountingSession = AccountingRecords.Session(radius, Sa.ResponderSpi, Sa.VirtualIps);
        accounting.Tell(new SessionStarted(_accountingSession));
        if ((radius.InterimInterval ?? (Sa.Connection?.Tag as ConnectionHome)?.InterimInterval) is { } interval && interval > TimeSpan.Zero)
        {
            Timers.StartPeriodicTimer(InterimKey, InterimDue.Instance, interval);
        }

        if (radius.SessionTimeout is { } timeout && timeout > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(SessionTimeoutKey, SessionTimedOut.Instance, timeout);
        }
    }

    /// <summary>An Interim-Update is due: a live read of the CHILD SAs still installed goes to the accounting actor,
    /// which adds the reads of those already removed.</summary>
    private void SendInterim()
    {
        if (_accounting is null || _accountingSession is null)
        {
            return;
        }

        long readId = unchecked(~_accountingId + (++_interims << 32));
        var age = _establishedAt is { } since ? Sa.Services.Time.GetUtcNow() - since : TimeSpan.Zero;
        // The announcement first: the accounting actor then knows the read id before the kernel can answer it.
        _accounting.Tell(new SessionInterim(_accountingId, readId, _accountingSession, age, _counterReads));
        _kernel.Tell(new ReadOwnedCounters(readId, Self, Sa.ChildSas.Select(c => c.InboundSpi).ToHashSet()), _accounting);
    }

    /// <summary>RFC 2865 §5.27: "the maximum number of seconds of service to be provided to the user before
    /// termination of the session"; the IKE SA is deleted (INFORMATIONAL Delete), its CHILD SAs with it.</summary>
    private void EndSessionTimedOut()
    {
        _sessionTimedOut = true;
        Execute(_session.OnDelete("RADIUS Session-Timeout", silently: false));
    }

    private sealed record InterimDue
    {
        public static InterimDue Instance { get; } = new();
    }

    private sealed record SessionTimedOut
    {
        public static SessionTimedOut Instance { get; } = new();
    }

    /// <summary>Just before a CHILD SA leaves the kernel (rekeyed, deleted): the kernel actor reads its counters
    /// ahead of the removal this actor sends next, and answers the accounting actor.</summary>
    private void CountBeforeRemoval(Concentrator.Ike.Sa.ChildSa child)
    {
        if (_accounting is null)
        {
            return;
        }

        _counterReads++;
        _kernel.Tell(new ReadOwnedCounters(_accountingId, Self, [child.InboundSpi]) { Only = [child.InboundSpi, child.OutboundSpi] }, _accounting);
    }

    /// <summary>Just before all CHILD SAs leave the kernel at once (the node deletes the SA: Session-Timeout, the
    /// operator, a replacing SA): one read of all of them, or the Stop would find them gone.</summary>
    private void CountAllBeforeRemoval()
    {
        if (_accounting is null)
        {
            return;
        }

        _counterReads++;
        _kernel.Tell(new ReadOwnedCounters(_accountingId, Self, Sa.ChildSas.Select(c => c.InboundSpi).ToHashSet()), _accounting);
    }

    /// <summary>When the actor stops, before what is left of its CHILD SAs is removed: one last read of all of it,
    /// then the end of the session.</summary>
    private void EndAccounting()
    {
        if (_accounting is null || _accountingSession is null)
        {
            return;
        }

        _counterReads++;
        _kernel.Tell(new ReadOwnedCounters(_accountingId, Self, Sa.ChildSas.Select(c => c.InboundSpi).ToHashSet()), _accounting);
        var age = _establishedAt is { } since ? Sa.Services.Time.GetUtcNow() - since : TimeSpan.Zero;
        TerminateCause cause = _sessionTimedOut ? TerminateCause.SessionTimeout : AccountingRecords.Cause(Sa.State, _deletedByNode);
        _accounting.Tell(new SessionEnded(_accountingId, _accountingSession, cause, age, _counterReads));
        _accounting = null;
    }
}
