using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Concentrator.Server.Radius;
using Concentrator.Server.Tests.Radius;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// Requests per second against a real FreeRADIUS 3.2 (threaded, <c>freeradius -f</c>, own config directory, 127.0.0.1
/// ports 18832/18833; the test harness's configuration): a burst of 250 Accounting-Request Interim-Updates (the
/// detail module writes each) answered, two ways in the same run:
/// <list type="bullet">
/// <item><see cref="RawSocket"/> (baseline): one UDP socket, the codec called directly — encode, send all, receive and
/// authenticate every answer.</item>
/// <item><see cref="ThroughTheActor"/>: the same requests told to <see cref="RadiusClientActor"/> and the acks counted
/// by an actor, as an IKE SA would use it.</item>
/// </list>
/// Both wait for FreeRADIUS, so the ratio is what the actor adds on top of the server's own time.
/// Needs root-free but needs the freeradius package.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's GlobalCleanup ends FreeRADIUS, the socket and the actor system.")]
public class RadiusThroughputBenchmarks
{
    private const int Burst = 250;
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(FreeRadius.Secret);
    private FreeRadius _radius = null!;
    private ActorSystem _system = null!;
    private IActorRef _client = null!;
    private IActorRef _counter = null!;
    private Socket _socket = null!;
    private IPEndPoint _acct = null!;
    private readonly AccountingSession _session = new("bench-session", "alice") { FramedIpAddress = IPAddress.Parse("10.77.0.9"), NasPort = 1 };
    private readonly byte[] _buffer = new byte[4096];
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _radius = new FreeRadius(18832, 18833, debug: false);
        _acct = new IPEndPoint(IPAddress.Loopback, _radius.AcctPort);
        _system = ActorSystem.Create("radius-bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(ConfigurationFactory.Default()));
        var settings = new RadiusSettings([new RadiusServer(IPAddress.Loopback, _radius.AuthPort, _radius.AcctPort, FreeRadius.Secret)],
            TimeSpan.FromSeconds(5), 2, "concentrator-bench", null, TimeSpan.FromMinutes(10));
        _client = _system.ActorOf(RadiusClientActor.Props(settings), "radius");
        _counter = _system.ActorOf(Props.Create(() => new AckCounter()), "counter");
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.ReceiveTimeout = 5000;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socket.Dispose();
        _system.Terminate().Wait();
        _radius.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Burst)]
    public int RawSocket()
    {
        // At most Window requests in flight: a burst of all 250 at once overflows FreeRADIUS's socket buffer (the
        // actor, fed one message at a time, never sends that fast), and a lost request would stall this loop.
        const int Window = 64;
        var round = ++_round;
        var authenticators = new byte[Burst][];
        var sent = 0;
        void Send()
        {
            var packet = RadiusEncoder.AccountingRequest((byte)sent, Attributes(round, sent), Secret);
            authenticators[sent++] = packet[4..20];
            _socket.SendTo(packet, _acct);
        }

        while (sent < Window)
        {
            Send();
        }

        var answered = 0;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (answered < Burst)
        {
            var n = _socket.ReceiveFrom(_buffer, ref from);
            if (RadiusPacket.TryParse(_buffer.AsSpan(0, n), out var reply, out _)
                && reply!.Identifier < sent
                && RadiusAuthenticator.VerifyReply(reply, authenticators[reply.Identifier], Secret, hasEapMessage: false) == RadiusRefusal.None)
            {
                answered++;
                if (sent < Burst)
                {
                    Send();
                }
            }
        }

        return answered;
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int ThroughTheActor()
    {
        var round = ++_round;
        var done = _counter.Ask<Task<int>>(new AckCounter.Expect(Burst), TimeSpan.FromSeconds(5)).Result;
        for (var i = 0; i < Burst; i++)
        {
            _client.Tell(new AccountingRequest(i, _counter, AccountingStatus.InterimUpdate, _session)
            {
                Counters = new AccountingCounters((ulong)i * 1000, (ulong)i * 2000, (ulong)i, (ulong)i, TimeSpan.FromSeconds((round * Burst) + i)),
            });
        }

        return done.Wait(TimeSpan.FromSeconds(30)) ? done.Result : throw new TimeoutException("FreeRADIUS did not answer every request");
    }

    // Every request of a run differs (session time = round * Burst + i): FreeRADIUS answers a repeated one from its cache.
    private List<RadiusAttribute> Attributes(int round, int i) =>
    [
        RadiusAttribute.Integer(RadiusAttributeType.AcctStatusType, (uint)AccountingStatus.InterimUpdate),
        RadiusAttribute.Text(RadiusAttributeType.AcctSessionId, _session.SessionId),
        RadiusAttribute.Text(RadiusAttributeType.UserName, _session.UserName),
        RadiusAttribute.Integer(RadiusAttributeType.AcctAuthentic, 1),
        RadiusAttribute.Text(RadiusAttributeType.NasIdentifier, "concentrator-bench"),
        RadiusAttribute.Integer(RadiusAttributeType.NasPort, 1),
        RadiusAttribute.Integer(RadiusAttributeType.NasPortType, 5),
        RadiusAttribute.Address(RadiusAttributeType.FramedIpAddress, _session.FramedIpAddress!),
        RadiusAttribute.Integer(RadiusAttributeType.EventTimestamp, (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        RadiusAttribute.Integer(RadiusAttributeType.AcctSessionTime, (uint)((round * Burst) + i)),
        RadiusAttribute.Integer(RadiusAttributeType.AcctInputOctets, (uint)i * 1000),
        RadiusAttribute.Integer(RadiusAttributeType.AcctInputGigawords, 0),
        RadiusAttribute.Integer(RadiusAttributeType.AcctOutputOctets, (uint)i * 2000),
        RadiusAttribute.Integer(RadiusAttributeType.AcctOutputGigawords, 0),
        RadiusAttribute.Integer(RadiusAttributeType.AcctInputPackets, (uint)i),
        RadiusAttribute.Integer(RadiusAttributeType.AcctOutputPackets, (uint)i),
    ];

    /// <summary>Counts <see cref="AccountingAck"/>s; completes the task of the last <see cref="Expect"/> at its count.</summary>
    private sealed class AckCounter : ReceiveActor
    {
        private TaskCompletionSource<int>? _done;
        private int _left;
        private int _acked;

        public AckCounter()
        {
            Receive<Expect>(e =>
            {
                _done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                _left = e.Count;
                _acked = 0;
                Sender.Tell(_done.Task);
            });
            Receive<AccountingAck>(_ => Count(acked: true));
            Receive<RadiusUnavailable>(_ => Count(acked: false));
        }

        private void Count(bool acked)
        {
            _acked += acked ? 1 : 0;
            if (--_left == 0)
            {
                _done?.TrySetResult(_acked);
            }
        }

        public sealed record Expect(int Count);
    }
}
