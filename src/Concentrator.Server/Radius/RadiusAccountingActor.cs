using Akka.Actor;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Radius;

/// <summary>
/// RADIUS accounting of the node's <c>eap-radius</c> IKE SAs (RFC 2866): Start when an SA is established, Stop with its
/// dataplane counters when it ends, both through the RADIUS client (which retransmits, fails over and keeps unanswered
/// records in its backlog). A Stop waits for both halves, the SA's <see cref="SessionEnded"/> and the kernel's
/// <see cref="OwnedCounters"/>, in whichever order they come.
/// </summary>
public sealed class RadiusAccountingActor : ReceiveActor
{
    private readonly IActorRef _radius;
    private readonly Dictionary<long, SessionEnded> _ended = [];
    private readonly Dictionary<long, OwnedCounters> _counted = [];
    private long _next;

    public RadiusAccountingActor(IActorRef radius)
    {
        _radius = radius;
        Receive<SessionStarted>(s => _radius.Tell(new AccountingRequest(++_next, null, AccountingStatus.Start, s.Session)));
        Receive<SessionEnded>(e =>
        {
            if (_counted.Remove(e.CorrelationId, out var counters))
            {
                Stop(e, counters);
            }
            else
            {
                _ended[e.CorrelationId] = e;
            }
        });
        Receive<OwnedCounters>(c =>
        {
            if (_ended.Remove(c.CorrelationId, out var ended))
            {
                Stop(ended, c);
            }
            else
            {
                _counted[c.CorrelationId] = c;
            }
        });
    }

    public static Props Props(IActorRef radius) => Akka.Actor.Props.Create(() => new RadiusAccountingActor(radius));

    private void Stop(SessionEnded ended, OwnedCounters counters) =>
        _radius.Tell(new AccountingRequest(++_next, null, AccountingStatus.Stop, ended.Session)
        {
            Counters = AccountingRecords.Counters(counters, ended.SessionTime),
            TerminateCause = ended.Cause,
        });
}
