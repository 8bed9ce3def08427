using Concentrator.Server.Runtime;
using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using System.Net;
using Akka.Actor;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

/// <summary>
/// Admits new IKE SAs (<see cref="NewSa"/> from the socket) and supervises their handshakes (a failing one is
/// stopped, never restarted); once IKE_AUTH has established an SA it moves to the InterfaceActor of its connection
/// (<see cref="IkeSaEnvironment.Home"/>) and leaves the dispatcher's care (<see cref="IkeSaMoved"/>). Before anything is spawned, the first message must be a well-formed IKE_SA_INIT request
/// (<see cref="FirstRequest"/>) and pass <see cref="HalfOpenAdmission"/>: over the thresholds the dispatcher itself
/// answers N(COOKIE) (RFC 7296 §2.6) and creates nothing, at the half-open limit it drops the request. Every such
/// end is counted in <see cref="DatagramDrops"/>. It remembers half-open SAs by (SPIi, peer) so a retransmitted
/// IKE_SA_INIT, which still has a zero SPIr, reaches the SA that answered it instead of creating a second one; the
/// SA actor's SPI is drawn and registered in the <see cref="SpiTable"/> when its IkeSa is made. It owns the node's
/// connection source: <see cref="ReplaceConnections"/> (a reload) swaps the candidates every later handshake is offered.
/// </summary>
public sealed partial class IkeSaDispatcher : ReceiveActor, IWithTimers
{
    private IkeSaConfig _config;
    private IkeSaEnvironment _environment;
    private readonly HalfOpenAdmission _admission;
    private readonly DatagramDrops _drops;
    private readonly Metrics.ConcentratorMetrics? _metrics;
    private readonly ILogger _log = ServerLogging.For<IkeSaDispatcher>(Context);
    private readonly Dictionary<(ulong Spi, IPEndPoint Peer), IActorRef> _halfOpen = [];
    private readonly Dictionary<IActorRef, (ulong Spi, IPEndPoint Peer)> _keys = [];
    private readonly SupervisedSas _live = new();
    private long _created;
    private long _createdAtLastLine;
    private int _peakHalfOpen;
    private bool _admitting;
    private long _notAdmitted;
    private IPAddress? _redirectTo;
    private bool _redirectInAuth;
    private long _redirected;

    public IkeSaDispatcher(IkeSaConfig config, IkeSaEnvironment environment, HalfOpenSettings halfOpen, DatagramDrops drops, CookieGenerator? cookies,
        bool admitting = true)
    {
        _admitting = admitting;
        // The IKE SA actors this spawns are idle most of their life, by the hundred thousand.
        CompactMailbox.Register(Context.System);
        _config = config;
        _environment = environment with { Observer = Self };
        _drops = drops;
        _metrics = environment.Metrics;
        _admission = new HalfOpenAdmission(halfOpen,
            cookies ?? new CookieGenerator(TimeProvider.System, SystemRandomSource.Instance, halfOpen.CookieSecretLifetime));
        Receive<NewSa>(OnNewSa);
        Receive<IkeSaEstablished>(_ => ForgetHalfOpen(Sender));
        Receive<IkeSaEnding>(_ => ForgetHalfOpen(Sender));
        Receive<IkeSaMoved>(_ =>
        {
            ForgetHalfOpen(Sender);
            _live.Remove(Sender);
        });
        Receive<Terminated>(t =>
        {
            ForgetHalfOpen(t.ActorRef);
            _live.Remove(t.ActorRef);
        });
        Receive<DeleteAllIkeSas>(d => _live.DeleteAll(d, Sender));
        Receive<ReplaceConnections>(r =>
        {
            // Handshakes already admitted keep the candidates they started with; every new one gets these.
            _config = r.Config;
            _environment = r.Environment with { Observer = Self };
            Sender.Tell(ConnectionsReplaced.Instance);
        });
        Receive<IkeSaReleased>(_ => { });
        Receive<LogHalfOpen>(_ => OnLogHalfOpen());
        Receive<GetIkeSaDispatcherStats>(_ => Sender.Tell(new IkeSaDispatcherStats(_halfOpen.Count, _live.Count, _created)
        {
            NotAdmitted = _notAdmitted,
            Redirected = _redirected,
        }));
        Receive<SetRedirect>(r =>
        {
            _redirectInAuth = r.InIkeAuth;
            if (!Equals(r.Target, _redirectTo))
            {
                _redirectTo = r.Target;
                if (_log.IsEnabled(LogLevel.Information))
                {
                    _log.RedirectChanged(r.Target?.ToString() ?? "nowhere (served here)", r.Reason);
                }
            }
        });
        Receive<SetAdmission>(a =>
        {
            if (a.Open != _admitting)
            {
                _admitting = a.Open;
                _log.AdmissionChanged(a.Open ? "open" : "closed", a.Reason);
            }
        });
        ReceiveManagement();
    }

    /// <summary><paramref name="halfOpen"/>: the cookie thresholds and the limit (<c>concentrator.ike.half-open-*</c>);
    /// <paramref name="drops"/>: where requests that end here are counted (shared with the socket, which reserved
    /// each <see cref="NewSa"/>'s place in <see cref="DatagramDrops.PendingNewSa"/>); <paramref name="cookies"/>: null
    /// for a generator with a random secret changed every <see cref="HalfOpenSettings.CookieSecretLifetime"/>;
    /// <paramref name="admitting"/>: false on a cluster node, which opens admission once it is Up (<see cref="SetAdmission"/>).</summary>
    public static Props Props(IkeSaConfig config, IkeSaEnvironment environment, HalfOpenSettings halfOpen, DatagramDrops? drops = null,
        CookieGenerator? cookies = null, bool admitting = true) =>
        Akka.Actor.Props.Create(() => new IkeSaDispatcher(config, environment, halfOpen, drops ?? new DatagramDrops(), cookies, admitting));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override SupervisorStrategy SupervisorStrategy() => InterfaceActor.SaSupervision;

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(LogHalfOpen), LogHalfOpen.Instance, IkeSocketActor.LogInterval);

    private sealed record LogHalfOpen
    {
        public static LogHalfOpen Instance { get; } = new();
    }

    // Next to the socket's drop summary, one line per period while anything is half-open: how big the half-open set
    // is (what admission bounds) and how many IKE_SA_INITs were admitted, i.e. cost a Diffie-Hellman.
    private void OnLogHalfOpen()
    {
        long admitted = _created - _createdAtLastLine;
        if (_admission.Count > 0 || admitted > 0)
        {
            _log.AdmissionSummary(_admission.Count, _admission.Sources, _peakHalfOpen, admitted, IkeSocketActor.LogInterval.TotalSeconds);
        }

        _createdAtLastLine = _created;
        _peakHalfOpen = _admission.Count;
    }

    private void OnNewSa(NewSa newSa)
    {
        _drops.DequeuedNewSa();
        IkeDatagram d = newSa.Datagram;
        var key = (d.Header.InitiatorSpi, d.Remote);
        if (_halfOpen.TryGetValue(key, out var existing))
        {
            existing.Tell(d);
            return;
        }

        if (!_admitting)
        {
            // Not (or no longer) a serving member of the cluster: no answer, no state.
            _notAdmitted++;
            return;
        }

        if (FirstRequest.TryRead(d.Message, out string? problem) is not { } request)
        {
            _drops.Count(DatagramDrop.Malformed);
            _log.InitDropped(d.Remote, problem ?? "");
            return;
        }

        AdmissionVerdict verdict = _admission.Decide(request, d.Remote.Address);
        switch (verdict.Kind)
        {
            case AdmissionKind.OverLimit:
                _drops.Count(DatagramDrop.OverLimit);
                return;
            case AdmissionKind.DemandCookie:
                _drops.Count(DatagramDrop.NoCookie);
                d.Socket.Tell(new SendIke(d.Local, d.Remote, CookieGenerator.Response(request, verdict.Cookie!)));
                return;
        }

        // RFC 5685: the cluster's load actor chose another node for new clients; one that follows redirects (and was not
        // redirected already, the loop rule) is sent there before it costs a Diffie-Hellman here. After the cookie
        // check, so only a return-routable initiator is told where to go under a flood.
        IkeSaEnvironment environment = _environment;
        if (_redirectTo is { } inAuth && _redirectInAuth && RedirectResponse.MayRedirect(request))
        {
            // RFC 5685 §6: the gateway authenticates the client first and redirects it in IKE_AUTH; the SA carries the
            // decision (IkeSaServices.RedirectInAuth), so the protocol stays in the IKE_AUTH tasks.
            _redirected++;
            environment = _environment with { Services = _environment.Services with { RedirectInAuth = inAuth } };
        }
        else if (_redirectTo is { } target && RedirectResponse.MayRedirect(request))
        {
            _redirected++;
            d.Socket.Tell(new SendIke(d.Local, d.Remote, RedirectResponse.Build(request, target)));
            return;
        }

        var sa = Context.ActorOf(IkeSaActor.Props(_config, d.Local, d.Remote, environment, CompactMailbox.Deploy));
        Context.Watch(sa);
        _created++;
        _metrics?.HandshakesStarted.Add(1);
        _metrics?.HalfOpen.Add(1);
        _live.Add(sa);
        _halfOpen[key] = sa;
        _keys[sa] = key;
        _admission.Opened(d.Remote.Address);
        _peakHalfOpen = Math.Max(_peakHalfOpen, _admission.Count);
        sa.Tell(d);
    }

    private void ForgetHalfOpen(IActorRef sa)
    {
        if (_keys.Remove(sa, out var key))
        {
            _halfOpen.Remove(key);
            _admission.Closed(key.Peer.Address);
            _metrics?.HalfOpen.Add(-1);
        }
    }
}
