using Akka.Actor;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Radius;

/// <summary>
/// RADIUS accounting of the node's <c>eap-radius</c> IKE SAs (RFC 2866): Start when an SA is established, Stop with its
/// dataplane counters when it ends, both through the RADIUS client (which retransmits, fails over and keeps unanswered
/// records in its backlog), and Interim-Update on the SA's schedule with the totals so far. A Stop waits for the SA's <see cref="SessionEnded"/> and every counter read it announced
/// (<see cref="OwnedCounters"/>), in whichever order they come, and carries their sum.
/// </summary>
public sealed class RadiusAccountingActor : ReceiveActor
{
    private readonly IActorRef _radius;
    private readonly Dictionary<long, Tally> _sessions = [];
    private readonly Dictionary<long, Interim> _interims = [];
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
        Receive<SessionInterim>(i =>
        {
            Interim interim = InterimOf(i.ReadId);
            interim.Due = i;
            SendInterim(i.ReadId, interim);
        });
        Receive<OwnedCounters>(c =>
        {
            if (_interims.TryGetValue(c.CorrelationId, out Interim? interim))
            {
                interim.Live = c;
                SendInterim(c.CorrelationId, interim);
                return;
            }

            var tally = TallyOf(c.CorrelationId);
            tally.Add(c);
            foreach (long waiting in tally.Waiting.ToList())
            {
                tally.Waiting.Remove(waiting);
                SendInterim(waiting, _interims[waiting]);
            }

            Complete(c.CorrelationId, tally);
        });
    }

    public static Props Props(IActorRef radius) => Akka.Actor.Props.Create(() => new RadiusAccountingActor(radius));

    private Interim InterimOf(long readId)
    {
        if (!_interims.TryGetValue(readId, out Interim? interim))
        {
            interim = new Interim();
            _interims[readId] = interim;
        }

        return interim;
    }

    /// <summary>RFC 2866 §5.3-5.8 / RFC 2869 §2.1: an Interim-Update carries the session's totals so far: the CHILD SAs
    /// already removed (their reads in the tally) plus the live ones.</summary>
    private void SendInterim(long readId, Interim interim)
    {
        if (interim.Due is not { } due || interim.Live is not { } live)
        {
            return;
        }

        _sessions.TryGetValue(due.CorrelationId, out Tally? tally);
        if ((tally?.Reads ?? 0) < due.ClosedReads)
        {
            // A removed CHILD SA's read is still on its way; it completes this interim when it comes.
            (tally ?? TallyOf(due.CorrelationId)).Waiting.Add(readId);
            return;
        }

        _interims.Remove(readId);
        OwnedCounters sum = (tally?.Sum ?? new OwnedCounters(0, 0, 0, 0, 0)).Plus(live);
        _radius.Tell(new AccountingRequest(++_next, null, AccountingStatus.InterimUpdate, due.Session)
        {
            Counters = AccountingRecords.Counters(sum, due.SessionTime),
        });
    }

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
        foreach (long waiting in tally.Waiting)
        {
            // The Stop supersedes an interim still short of a read.
            _interims.Remove(waiting);
        }

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

        /// <summary>Interims (by read id) waiting for a read of this session.</summary>
        public List<long> Waiting { get; } = [];

        public void Add(OwnedCounters c)
        {
            Reads++;
            Sum = Sum.Plus(c);
        }
    }

    /// <summary>An Interim-Update waiting for its announcement and its live read, in whichever order they come.</summary>
    private sealed class Interim
    {
        public SessionInterim? Due { get; set; }

        public OwnedCounters? Live { get; set; }
    }
}
