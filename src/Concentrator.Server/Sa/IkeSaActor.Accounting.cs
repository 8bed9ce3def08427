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

    private void StartAccounting()
    {
        if ((Sa.Connection?.Tag as ConnectionHome)?.Accounting is not { } accounting || Sa.EapBackend is not EapRadiusSession radius)
        {
            return;
        }

        _accounting = accounting;
        _accountingSession = AccountingRecords.Session(radius, Sa.ResponderSpi, Sa.VirtualIps);
        accounting.Tell(new SessionStarted(_accountingSession));
    }

    /// <summary>Before the CHILD SAs are removed: the kernel actor reads their counters ahead of the removal this
    /// actor sends next, and answers the accounting actor.</summary>
    private void EndAccounting()
    {
        if (_accounting is null || _accountingSession is null)
        {
            return;
        }

        var id = unchecked((long)_accountingSession.NasPort.GetValueOrDefault()) << 32 ^ unchecked((long)Sa.ResponderSpi);
        var age = _establishedAt is { } since ? Sa.Services.Time.GetUtcNow() - since : TimeSpan.Zero;
        _accounting.Tell(new SessionEnded(id, _accountingSession, AccountingRecords.Cause(Sa.State, _deletedByNode), age));
        _kernel.Tell(new ReadOwnedCounters(id, Self, Sa.ChildSas.Select(c => c.InboundSpi).ToHashSet()), _accounting);
        _accounting = null;
    }
}
