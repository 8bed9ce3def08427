using Akka.Actor;
using Concentrator.Server.Kernel;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Sa;

// RADIUS accounting of an eap-radius SA (RadiusAccountingActor): Start once established, Stop with the CHILD SAs'
// counters when the actor that held the established SA stops.
public sealed partial class IkeSaActor
{
    private IActorRef? _accounting;
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
        _accounting.Tell(new SessionEnded(_accountingId, _accountingSession, AccountingRecords.Cause(Sa.State, _deletedByNode), age, _counterReads));
        _accounting = null;
    }
}
