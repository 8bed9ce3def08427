using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Radius;

/// <summary>
/// The RADIUS client: one UDP socket, the servers of <see cref="RadiusSettings"/> in order, 256 Identifiers per
/// server endpoint. A request goes to the server that answered last, is retransmitted unchanged every
/// <see cref="RadiusSettings.Timeout"/> up to <see cref="RadiusSettings.Retries"/> times, then fails over to the next
/// server (new Identifier, new authenticator); when every server has been tried the asker hears
/// <see cref="RadiusUnavailable"/>. Nothing waits on a thread: receiving is an async loop on the thread pool that
/// hands datagrams to the actor, sending is non-blocking, waiting is timers, so a silent server delays only the
/// requests sent to it. Replies are checked (Response Authenticator, Message-Authenticator) before anyone hears of
/// them; a bad one is dropped and counted by reason, never thrown.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The socket and the token source are disposed in PostStop, the actor's end of life.")]
public sealed partial class RadiusClientActor : ReceiveActor, IWithTimers
{
    private readonly RadiusSettings _settings;
    private readonly IPEndPoint _bind;
    private readonly byte[][] _secrets;
    private readonly Dictionary<IPEndPoint, RadiusIdentifierTable<RadiusExchange>> _tables = [];
    private readonly Queue<RadiusExchange> _waiting = new();
    private readonly HashSet<RadiusExchange> _deferred = [];
    private readonly Dictionary<RadiusRefusal, long> _dropped = [];
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private int _preferred;
    private long _sent;
    private long _retransmitted;
    private long _failovers;
    private long _answered;
    private long _unavailable;
    private long _unknownAttributes;

    public RadiusClientActor(RadiusSettings settings, IPEndPoint? bind)
    {
        _settings = settings;
        _bind = bind ?? new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        _secrets = [.. settings.Servers.Select(s => Encoding.UTF8.GetBytes(s.Secret))];
        foreach (var server in settings.Servers)
        {
            _tables.TryAdd(server.Auth, new RadiusIdentifierTable<RadiusExchange>());
            _tables.TryAdd(server.Acct, new RadiusIdentifierTable<RadiusExchange>());
        }

        _log = ServerLogging.For<RadiusClientActor>(Context);
        Receive<AccessRequest>(r => Start(new RadiusExchange(r.CorrelationId, r.ReplyTo, r, null, DateTimeOffset.UtcNow)));
        Receive<AccountingRequest>(r => Start(new RadiusExchange(r.CorrelationId, r.ReplyTo, null, r, DateTimeOffset.UtcNow)));
        Receive<ReceivedDatagram>(OnDatagram);
        Receive<RetransmitDue>(OnTimeout);
        Receive<NextRound>(OnNextRound);
        Receive<GetRadiusStats>(_ => Sender.Tell(Stats()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary><paramref name="bind"/>: the local address and port of the client's socket (default: every address,
    /// a port the kernel picks).</summary>
    public static Props Props(RadiusSettings settings, IPEndPoint? bind = null) =>
        Akka.Actor.Props.Create(() => new RadiusClientActor(settings, bind));

    protected override void PreStart()
    {
        if (_settings.Servers.Count == 0)
        {
            throw new InvalidOperationException("the RADIUS client needs at least one server (concentrator.radius.servers)");
        }

        var socket = new Socket(_bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (_bind.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // One socket for IPv4 and IPv6 servers alike.
                socket.DualMode = true;
            }

            socket.Bind(_bind);
            // A full send buffer fails the send (counted; the retransmission timer covers it) instead of blocking.
            socket.Blocking = false;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            _log.RadiusSocketFailed(e.Message);
            throw;
        }

        _socket = socket;
        // Once per start: the arguments are not worth an IsEnabled check.
#pragma warning disable CA1873
        _log.RadiusStarted(string.Join(", ", _settings.Servers), _settings.Timeout, _settings.Retries, socket.LocalEndPoint!.ToString()!);
#pragma warning restore CA1873
        var self = Self;
        _ = Task.Run(() => ReceiveLoop(socket, self, _stop.Token));
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _socket?.Dispose();
        foreach (var ex in _tables.Values.SelectMany(Pending).Concat(_waiting).Concat(_deferred).Distinct())
        {
            ex.ReplyTo?.Tell(new RadiusUnavailable(ex.CorrelationId, "the RADIUS client stopped"));
        }

        _stop.Dispose();
    }

    private static IEnumerable<RadiusExchange> Pending(RadiusIdentifierTable<RadiusExchange> table)
    {
        for (var i = 0; i < 256; i++)
        {
            if (table.Get((byte)i) is { } ex)
            {
                yield return ex;
            }
        }
    }

    private void Start(RadiusExchange ex)
    {
        ex.ServerIndex = _preferred;
        Assign(ex);
    }

    /// <summary>Draws an Identifier at the exchange's current server and sends; with all 256 in flight there, the
    /// exchange waits for one to come free.</summary>
    private void Assign(RadiusExchange ex)
    {
        var server = _settings.Servers[ex.ServerIndex];
        var target = ex.IsAccounting ? server.Acct : server.Auth;
        var table = _tables[target];
        if (!table.TryAdd(ex, out var identifier))
        {
            _waiting.Enqueue(ex);
            return;
        }

        var secret = _secrets[ex.ServerIndex];
        try
        {
            if (ex.Access is { } access)
            {
                ex.RequestAuthenticator = RadiusAuthenticator.NewRequestAuthenticator();
                ex.Packet = RadiusEncoder.AccessRequest(identifier, ex.RequestAuthenticator, RadiusRequestAttributes.ForAccess(access, _settings), access.EapMessage.Span, secret);
            }
            else
            {
                ex.Packet = RadiusEncoder.AccountingRequest(identifier, RadiusRequestAttributes.ForAccounting(ex.Accounting!, _settings, ex.Created, DateTimeOffset.UtcNow), secret);
                ex.RequestAuthenticator = ex.Packet.AsSpan(4, 16).ToArray();
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Too long for RADIUS (a value over 253 octets, a packet over 4096): nothing any server could answer.
            table.Remove(identifier, ex);
            Unavailable(ex, $"the request cannot be encoded: {e.Message}");
            return;
        }

        ex.Identifier = identifier;
        ex.Target = target;
        ex.Transmissions = 0;
        _sent++;
        Transmit(ex);
    }

    private void Transmit(RadiusExchange ex)
    {
        ex.Transmissions++;
        ex.Generation++;
        try
        {
            _socket!.SendTo(ex.Packet, SocketFlags.None, ex.Target);
        }
        catch (SocketException e)
        {
            _log.RadiusSendFailed(ex.Target.ToString(), e.SocketErrorCode.ToString());
        }

        Timers.StartSingleTimer(ex, new RetransmitDue(ex, ex.Generation), _settings.Timeout);
    }

    private void OnTimeout(RetransmitDue due)
    {
        var ex = due.Exchange;
        if (due.Generation != ex.Generation || !ReferenceEquals(_tables[ex.Target].Get(ex.Identifier), ex))
        {
            return;
        }

        if (ex.Transmissions <= _settings.Retries)
        {
            // RFC 2865 §3 / RFC 5080 §2.2.1: a retransmission keeps Identifier and Request Authenticator.
            _retransmitted++;
            Transmit(ex);
            return;
        }

        Release(ex);
        ex.ServersTried++;
        var servers = _settings.Servers;
        if (ex.ServersTried >= servers.Count)
        {
            var reason = $"no answer from {string.Join(", ", servers.Select(s => ex.IsAccounting ? s.Acct : s.Auth))} after {_settings.Retries + 1} transmission(s) each, {_settings.Timeout} apart";
            if (ex.IsAccounting && _deferred.Count < _settings.AccountingBacklog)
            {
                // RFC 2866 §2: an unanswered Accounting-Request "is re-sent a number of times" and may go to alternate
                // servers; a record lost here is revenue or an audit trail lost, so after a silent round it waits one
                // server's worth of time and goes round the list again (re-encoded, so with its Acct-Delay-Time).
                _deferred.Add(ex);
                _log.RadiusAccountingDeferred(ex.CorrelationId, reason, _deferred.Count);
                Timers.StartSingleTimer(ex, new NextRound(ex), _settings.Timeout * (_settings.Retries + 1));
            }
            else
            {
                Unavailable(ex, ex.IsAccounting ? $"{reason}; the accounting backlog ({_settings.AccountingBacklog}) is full" : reason);
            }

            DrainWaiting();
            return;
        }

        var next = (ex.ServerIndex + 1) % servers.Count;
        _failovers++;
        _log.RadiusFailover(ex.Target.ToString(), ex.Kind, ex.Identifier, ex.Transmissions, (ex.IsAccounting ? servers[next].Acct : servers[next].Auth).ToString());
        if (_preferred == ex.ServerIndex)
        {
            // The failover sticks: new requests go to the next server first until it, too, stays silent.
            _preferred = next;
        }

        ex.ServerIndex = next;
        Assign(ex);
        DrainWaiting();
    }

    private void OnNextRound(NextRound round)
    {
        var ex = round.Exchange;
        if (_deferred.Remove(ex))
        {
            ex.ServersTried = 0;
            ex.ServerIndex = _preferred;
            Assign(ex);
        }
    }

    private void OnDatagram(ReceivedDatagram datagram)
    {
        if (!RadiusPacket.TryParse(datagram.Bytes, out var packet, out var refusal))
        {
            Drop(datagram.From, refusal);
            return;
        }

        if (!_tables.TryGetValue(datagram.From, out var table) || table.Get(packet!.Identifier) is not { } ex)
        {
            Drop(datagram.From, RadiusRefusal.NoPendingRequest);
            return;
        }

        var expected = ex.IsAccounting
            ? packet.Code == RadiusCode.AccountingResponse
            : packet.Code is RadiusCode.AccessAccept or RadiusCode.AccessReject or RadiusCode.AccessChallenge;
        if (!expected)
        {
            Drop(datagram.From, RadiusRefusal.UnexpectedCode);
            return;
        }

        // A forged or corrupted reply is dropped and the request stays in flight: the real answer may still come.
        var secret = _secrets[ex.ServerIndex];
        refusal = RadiusAuthenticator.VerifyReply(packet, ex.RequestAuthenticator, secret, packet.Find(RadiusAttributeType.EapMessage) is not null);
        AccessReply? reply = null;
        if (refusal == RadiusRefusal.None && !ex.IsAccounting)
        {
            refusal = AccessReplyReader.TryRead(packet, ex.CorrelationId, datagram.From, secret, ex.RequestAuthenticator, out reply);
        }

        if (refusal != RadiusRefusal.None)
        {
            Drop(datagram.From, refusal);
            return;
        }

        _answered++;
        _unknownAttributes += packet.UnknownAttributes;
        _preferred = ex.ServerIndex;
        Timers.Cancel(ex);
        Release(ex);
        ex.ReplyTo?.Tell(reply is null ? new AccountingAck(ex.CorrelationId, datagram.From) : reply);
        DrainWaiting();
    }

    private void Release(RadiusExchange ex) => _tables[ex.Target].Remove(ex.Identifier, ex);

    private void DrainWaiting()
    {
        for (var n = _waiting.Count; n > 0; n--)
        {
            Assign(_waiting.Dequeue());
        }
    }

    private void Unavailable(RadiusExchange ex, string reason)
    {
        _unavailable++;
        _log.RadiusUnavailable(ex.Kind, ex.CorrelationId, reason);
        ex.ReplyTo?.Tell(new RadiusUnavailable(ex.CorrelationId, reason));
    }

    private void Drop(IPEndPoint from, RadiusRefusal reason)
    {
        _dropped.TryGetValue(reason, out var count);
        _dropped[reason] = count + 1;
        if (count == 0)
        {
            _log.RadiusReplyDropped(from.ToString(), reason.ToString());
        }
    }

    private RadiusStats Stats() => new(
        _sent,
        _retransmitted,
        _failovers,
        _answered,
        _unavailable,
        new Dictionary<RadiusRefusal, long>(_dropped),
        _unknownAttributes,
        _tables.Values.Sum(t => t.Count),
        _waiting.Count,
        _deferred.Count);

    private sealed record RetransmitDue(RadiusExchange Exchange, int Generation);

    private sealed record NextRound(RadiusExchange Exchange);

    private sealed record ReceivedDatagram(IPEndPoint From, byte[] Bytes);
}
