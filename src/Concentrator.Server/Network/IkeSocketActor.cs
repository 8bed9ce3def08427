using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Kernel.Netlink;
using Concentrator.Server.Config;

namespace Concentrator.Server.Network;

/// <summary>
/// The UDP sockets of IKE: ports 500 and 4500 on every listen address. Each socket has a receive loop outside the
/// actor that sorts datagrams (<see cref="DatagramClassifier"/>) and hands IKE messages straight to the owning IKE
/// SA actor through the <see cref="SpiTable"/>; IKE_SA_INIT requests nobody owns yet go to the dispatcher as
/// <see cref="NewSa"/>. The actor itself only sends (<see cref="SendIke"/>) and reports counters. Malformed input
/// is counted and logged at most once per <see cref="LogInterval"/>; it never throws out of the loop.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Sockets and the token source are disposed in PostStop, the actor's end of life.")]
public sealed partial class IkeSocketActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    // linux/udp.h
    private const int SolUdp = 17;
    private const int UdpEncap = 100;
    private const int UdpEncapEspInUdp = 2;

    private readonly IkeSocketOptions _options;
    private readonly SpiTable _spis;
    private readonly IActorRef _dispatcher;
    private readonly ILogger _log = ServerLogging.For<IkeSocketActor>(Context);
    private readonly Dictionary<IPEndPoint, BoundSocket> _sockets = [];
    private readonly Counters _counters = new();
    private readonly CancellationTokenSource _stop = new();
    private string? _startFailure;
    private readonly TokenBucket _invalidSpiAnswers;
    private DatagramDropCounts _lastDrops = new(0, 0, 0, 0, 0, 0);

    public IkeSocketActor(IkeSocketOptions options, SpiTable spis, IActorRef dispatcher)
    {
        _options = options;
        _spis = spis;
        _dispatcher = dispatcher;
        _invalidSpiAnswers = new TokenBucket(options.InvalidSpiNotify.Rate, options.InvalidSpiNotify.Burst, TimeProvider.System);
        Receive<SendIke>(OnSend);
        Receive<LogDrops>(_ => OnLogDrops());
        Receive<InjectIke>(OnInject);
        Receive<GetSocketStats>(_ => Sender.Tell(_startFailure is { } failure
            ? new SocketStartFailed(failure)
            : _counters.Snapshot(_sockets.Values.Select(b => new BoundEndpoint(b.Local, b.NatT)).ToList())));
    }

    public static Props Props(IkeSocketOptions options, SpiTable spis, IActorRef dispatcher) =>
        Akka.Actor.Props.Create(() => new IkeSocketActor(options, spis, dispatcher));

    private sealed record BoundSocket(Socket Socket, IPEndPoint Local, bool NatT);

    private sealed record LogDrops
    {
        public static LogDrops Instance { get; } = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // One line per period however many datagrams were dropped (DESIGN.md: malformed input is counted and logged
    // rate-limited): with fresh SPIs per datagram, junk would otherwise cost a line each.
    private void OnLogDrops()
    {
        var now = _options.Drops.Snapshot();
        var period = now.Minus(_lastDrops);
        _lastDrops = now;
        if (period.Total > 0)
        {
            _log.DropSummary(period.Summary(LogInterval));
        }
    }

    protected override void PreStart()
    {
        var errors = new List<string>();
        foreach (var address in _options.Addresses())
        {
            foreach (var (port, natT) in new[] { (_options.Port, false), (_options.NatTPort, true) })
            {
                if (natT && _options.ExternalNatT is not null)
                {
                    continue;
                }

                Socket? socket = null;
                try
                {
                    socket = _options.SocketFactory?.Invoke(address.AddressFamily)
                        ?? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    if (address.AddressFamily == AddressFamily.InterNetworkV6)
                    {
                        socket.DualMode = false;
                    }

                    socket.Bind(new IPEndPoint(address, port));
                    Bypass(socket);
                    if (natT && _options.KernelEspInUdp)
                    {
                        // setsockopt(SOL_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP) as strongSwan and libreswan do.
                        socket.SetRawSocketOption(SolUdp, UdpEncap, BitConverter.GetBytes(UdpEncapEspInUdp));
                    }

                    var bound = new BoundSocket(socket, (IPEndPoint)socket.LocalEndPoint!, natT);
                    _sockets[bound.Local] = bound;
                }
                catch (SocketException e)
                {
                    socket?.Dispose();
                    errors.Add($"{address} port {port}: {e.SocketErrorCode} ({e.Message})");
                }
            }
        }

        if (_sockets.Count == 0 || (errors.Count > 0 && _options.Bind == BindMode.Strict))
        {
            // Serving some addresses silently is worse than not starting: clients of the others see a dead gateway.
            _startFailure = (_sockets.Count == 0 ? "no IKE socket could be bound: " : "cannot bind ")
                + string.Join("; ", errors)
                + (_sockets.Count == 0 ? "" : " (concentrator.ike.bind = best-effort serves the other addresses instead)");
            _log.StartFailed(_startFailure);
            foreach (var bound in _sockets.Values)
            {
                bound.Socket.Dispose();
            }

            _sockets.Clear();
            return;
        }

        foreach (var error in errors)
        {
            _log.CannotBind(error);
        }

        var self = Self;
        foreach (var bound in _sockets.Values)
        {
            _ = Task.Run(() => ReceiveLoop(bound, self, _stop.Token));
        }

        Timers.StartPeriodicTimer(nameof(LogDrops), LogDrops.Instance, LogInterval);
        // Once per start: the join is not worth an IsEnabled check.
#pragma warning disable CA1873
        _log.Listening(string.Join(", ", _sockets.Keys));
#pragma warning restore CA1873
    }

    // IKE must never be captured by a CHILD SA's policies (a /32 <-> /32 tunnel covers the peers' own addresses):
    // each socket gets the per-socket bypass strongSwan and libreswan set. On the kernel dataplane a refusal is an
    // error for that socket; on the userspace one the kernel's policies carry none of our tunnels, so a kernel
    // without XFRM (ENOPROTOOPT) only earns a warning.
    private void Bypass(Socket socket)
    {
        if (!_options.BypassIpsecPolicies)
        {
            return;
        }

        try
        {
            SocketPolicyBypass.Apply(socket);
        }
        catch (SocketException e) when (!_options.KernelEspInUdp)
        {
            _log.NoBypassPolicy(socket.LocalEndPoint, e.SocketErrorCode);
        }
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        foreach (var bound in _sockets.Values)
        {
            bound.Socket.Dispose();
        }

        _stop.Dispose();
    }

    private void OnInject(InjectIke inject)
    {
        if (_options.ExternalNatT is not { } external)
        {
            _counters.Count(ref _counters.Malformed);
            return;
        }

        // Put the marker back so the NAT-T classification (marker, keepalive, ESP) applies unchanged.
        var datagram = new byte[DatagramClassifier.NonEspMarkerLength + inject.Message.Length];
        inject.Message.Span.CopyTo(datagram.AsSpan(DatagramClassifier.NonEspMarkerLength));
        var arrivedOn = inject.Local ?? external.Locals.FirstOrDefault(l => l.AddressFamily == inject.Remote.AddressFamily) ?? external.Locals[0];
        Handle(new BoundSocket(null!, ExternalLocalFor(arrivedOn, inject.Remote), NatT: true), datagram, inject.Remote, Self);
    }

    // A wildcard-bound NAT-T socket cannot say which address a datagram arrived on (no IP_PKTINFO in .NET), but
    // its answers leave from the address the kernel routes towards the peer: that is the IKE SA's local address
    // (RFC 7296 section 2.11), found by connecting a throw-away UDP socket, which sends nothing.
    private static IPEndPoint ExternalLocalFor(IPEndPoint local, IPEndPoint remote)
    {
        if (!local.Address.Equals(IPAddress.Any) && !local.Address.Equals(IPAddress.IPv6Any))
        {
            return local;
        }

        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(remote);
            return new IPEndPoint(((IPEndPoint)probe.LocalEndPoint!).Address, local.Port);
        }
        catch (SocketException)
        {
            return local;
        }
    }

    private bool IsExternal(IPEndPoint local) =>
        _options.ExternalNatT is { } external && external.Locals.Any(e => local.Port == e.Port
        && (local.Address.Equals(e.Address) || e.Address.Equals(IPAddress.Any) || e.Address.Equals(IPAddress.IPv6Any)));

    private void OnSend(SendIke send)
    {
        if (_options.ExternalNatT is { } external && IsExternal(send.Local))
        {
            try
            {
                external.Send(send.Local, send.Remote, send.Message);
                _counters.Count(ref _counters.Sent);
            }
            catch (SocketException e)
            {
                _counters.Count(ref _counters.SendFailures);
                if (RateLimited(ref _counters.LastSendLog))
            {
                _log.SendFailed(send.Remote, e.SocketErrorCode);
            }
            }

            return;
        }

        if (!_sockets.TryGetValue(send.Local, out var bound))
        {
            _counters.Count(ref _counters.SendFailures);
            if (RateLimited(ref _counters.LastSendLog))
            {
                _log.NoSocketBound(send.Local, send.Remote);
            }
            return;
        }

        var marker = bound.NatT ? DatagramClassifier.NonEspMarkerLength : 0;
        var datagram = new byte[marker + send.Message.Length];

        // RFC 3948 section 2.2: IKE on the NAT-T port carries four zero bytes (the non-ESP marker) in front.
        send.Message.Span.CopyTo(datagram.AsSpan(marker));
        try
        {
            bound.Socket.SendTo(datagram, send.Remote);
            _counters.Count(ref _counters.Sent);
        }
        catch (SocketException e)
        {
            _counters.Count(ref _counters.SendFailures);
            if (RateLimited(ref _counters.LastSendLog))
            {
                _log.SendFailed(send.Remote, e.SocketErrorCode);
            }
        }
    }

    // True at most once per LogInterval for this counter: whether to write the line now.
    private static bool RateLimited(ref long lastTicks)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastTicks);
        return now - last >= (long)LogInterval.TotalMilliseconds && Interlocked.CompareExchange(ref lastTicks, now, last) == last;
    }
}
