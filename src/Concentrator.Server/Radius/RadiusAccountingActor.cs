using Akka.Actor;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Radius;

/// <summary>
/// RADIUS accounting of the node's <c>eap-radius</c> IKE SAs (RFC 2866): Start when an SA is established, Stop with its
/// dataplane counters when it ends, both through the RADIUS client (which retransmits, fails over and keeps unanswered
/// records in its backlog). A Stop waits for the SA's <see cref="SessionEnded"/> and every counter read it announced
/// (<see cref="OwnedCounters"/>), in whichever order they come, and carries their sum.
/// </summary>
public sealed class RadiusAccountingActor : ReceiveActor
{
    private readonly IActorRef _radius;
    private readonly Dictionary<long, Tally> _sessions = [];
    private long _next;

    public RadiusAccountingActor(IActorRef radius)
    {
        _radius = radius;
        Receive<SessionStarted>(s => _radius.Tell(new AccountingRequest(++_next, null, AccountingStatus.Start, s.Session)));
        Receive<SessionEnded>(e =>
        {
            var tally = TallyOf(e.CorrelationId);
            tally.Ended = e;
            Complete(e.CorrelationId, tally);
        });
        Receive<OwnedCounters>(c =>
        {
            var tally = TallyOf(c.CorrelationId);
            tally.Add(c);
            Complete(c.CorrelationId, tally);
        });
    }

    public static Props Props(IActorRef radius) => Akka.Actor.Props.Create(() => new RadiusAccountingActor(radius));

    private Tally TallyOf(long id)
    {
        if (!_sessions.TryGetValue(id, out var tally))
        {
            tally = new Tally();
            _sessions[id] = tally;
        }

        return tally;
    }

    private void Complete(long id, Tally tally)
    {
        if (tally.Ended is not { } ended || tally.Reads < ended.Reads)
        {
            return;
        }

        _sessions.Remove(id);
        _radius.Tell(new AccountingRequest(++_next, null, AccountingStatus.Stop, ended.Session)
        {
            Counters = AccountingRecords.Counters(tally.Sum, ended.SessionTime),
            TerminateCause = ended.Cause,
        });
    }

    /// <summary>What one session's counter reads added up to so far.</summary>
    private sealed class Tally
    {
        public SessionEnded? Ended { get; set; }

        public int Reads { get; private set; }

        public OwnedCounters Sum { get; private set; } = new(0, 0, 0, 0, 0);

        public void Add(OwnedCounters c)
        {
            Reads++;
            Sum = Sum with
            {
                InboundOctets = Sum.InboundOctets + c.InboundOctets,
                InboundPackets = Sum.InboundPackets + c.InboundPackets,
                OutboundOctets = Sum.OutboundOctets + c.OutboundOctets,
                OutboundPackets = Sum.OutboundPackets + c.OutboundPackets,
            };
        }
    }
}
