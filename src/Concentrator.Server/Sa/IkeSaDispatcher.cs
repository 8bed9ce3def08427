using System.Net;
using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

/// <summary>
/// Creates an IKE SA actor for each new IKE_SA_INIT request (<see cref="NewSa"/> from the socket; the actor
/// registers its own SPI in the <see cref="SpiTable"/>) and supervises them (a failing one is stopped, never
/// restarted). It remembers half-open SAs by (SPIi, peer) so a retransmitted IKE_SA_INIT, which still has a zero
/// SPIr, reaches the SA that answered it instead of creating a second one, and it counts them to decide when
/// new initiators must show a COOKIE first (RFC 7296 §2.6).
/// </summary>
public sealed class IkeSaDispatcher : ReceiveActor
{
    private readonly IkeSaConfig _config;
    private readonly IkeSaEnvironment _environment;
    private readonly int _cookieThreshold;
    private readonly Dictionary<(ulong Spi, IPEndPoint Peer), IActorRef> _halfOpen = [];
    private readonly Dictionary<IActorRef, (ulong Spi, IPEndPoint Peer)> _keys = [];
    private readonly HashSet<IActorRef> _live = [];
    private readonly List<(IActorRef ReplyTo, int Deleted)> _waitingForEnd = [];
    private long _created;

    public IkeSaDispatcher(IkeSaConfig config, IkeSaEnvironment environment, int cookieThreshold)
    {
        _config = config;
        _environment = environment with { Observer = Self };
        _cookieThreshold = cookieThreshold;
        Receive<NewSa>(OnNewSa);
        Receive<IkeSaEstablished>(_ => ForgetHalfOpen(Sender));
        Receive<IkeSaEnding>(_ => ForgetHalfOpen(Sender));
        Receive<Terminated>(t =>
        {
            ForgetHalfOpen(t.ActorRef);
            _live.Remove(t.ActorRef);
            AnswerIfAllEnded();
        });
        Receive<DeleteAllIkeSas>(OnDeleteAll);
        Receive<IkeSaReleased>(_ => { });
        Receive<GetIkeSaDispatcherStats>(_ => Sender.Tell(new IkeSaDispatcherStats(_halfOpen.Count, _live.Count, _created)));
    }

    /// <summary><paramref name="cookieThreshold"/>: from this many half-open SAs on, new IKE_SA_INIT requests are
    /// answered with a COOKIE unless they carry a valid one (<c>concentrator.ike.half-open-cookie-threshold</c>).</summary>
    public static Props Props(IkeSaConfig config, IkeSaEnvironment environment, int cookieThreshold) =>
        Akka.Actor.Props.Create(() => new IkeSaDispatcher(config, environment, cookieThreshold));

    protected override SupervisorStrategy SupervisorStrategy() => InterfaceActor.SaSupervision;

    private void OnNewSa(NewSa newSa)
    {
        IkeDatagram d = newSa.Datagram;
        var key = (d.Header.InitiatorSpi, d.Remote);
        if (_halfOpen.TryGetValue(key, out var existing))
        {
            existing.Tell(d);
            return;
        }

        bool requireCookie = _halfOpen.Count >= _cookieThreshold;
        var sa = Context.ActorOf(IkeSaActor.Props(_config, d.Local, d.Remote, _environment, requireCookie));
        Context.Watch(sa);
        _created++;
        _live.Add(sa);
        _halfOpen[key] = sa;
        _keys[sa] = key;
        sa.Tell(d);
    }

    private void OnDeleteAll(DeleteAllIkeSas delete)
    {
        foreach (var sa in _live)
        {
            sa.Tell(new DeleteIkeSa(delete.Reason));
        }

        _waitingForEnd.Add((Sender, _live.Count));
        AnswerIfAllEnded();
    }

    private void AnswerIfAllEnded()
    {
        if (_live.Count > 0 || _waitingForEnd.Count == 0)
        {
            return;
        }

        foreach (var (replyTo, deleted) in _waitingForEnd)
        {
            replyTo.Tell(new AllIkeSasEnded(deleted));
        }

        _waitingForEnd.Clear();
    }

    private void ForgetHalfOpen(IActorRef sa)
    {
        if (_keys.Remove(sa, out var key))
        {
            _halfOpen.Remove(key);
        }
    }
}
