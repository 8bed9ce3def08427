// The initiator's lines are written once per attempt or SA: their arguments are not worth an IsEnabled check each.
#pragma warning disable CA1873
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Logging;
using Concentrator.Server.Management;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Sa;

/// <summary>
/// The initiator of one connection (<c>start-action = start</c>, or a close-action/dpd-action that starts it again):
/// resolves the next of <c>remote.addrs</c>, picks our address towards it, and has the connection's InterfaceActor spawn
/// an initiating <see cref="IkeSaActor"/> (<see cref="SpawnSa"/>), which lives there like any established SA of the
/// connection. One SA at a time; what follows its end is <see cref="InitiationSchedule"/>'s decision. Thin: the protocol
/// is in the IkeSa's initiator tasks, the decisions in the schedule.
/// </summary>
public sealed class ConnectionInitiatorActor : ReceiveActor, IWithTimers
{
    private const string AttemptTimer = "attempt";
    private readonly InitiatorTarget _target;
    private readonly InitiationSchedule _schedule;
    private readonly ILogger _log = ServerLogging.For<ConnectionInitiatorActor>(Context);
    private IActorRef? _current;
    private bool _spawning;
    private string _remote = "";
    private int _attempts;

    public ConnectionInitiatorActor(InitiatorTarget target)
    {
        _target = target;
        _schedule = new InitiationSchedule(target.Connection.Initiator);
        Receive<Attempt>(_ => OnAttempt());
        Receive<Resolved>(r => Spawn(r.Addresses));
        Receive<ResolveFailed>(r => Failed(r.Reason));
        Receive<SaSpawned>(s =>
        {
            _spawning = false;
            Timers.Cancel(SpawnTimeout.Instance);
            _current = s.Sa;
        });
        Receive<SpawnTimeout>(_ =>
        {
            if (_spawning)
            {
                _spawning = false;
                Failed($"{target.Home.Path.Name} did not spawn the SA");
            }
        });
        Receive<IkeSaEstablished>(_ =>
        {
            _schedule.OnEstablished();
            _log.InitiatedUp(Name, _remote);
        });
        Receive<InitiatedSaEnded>(OnEnded);
        Receive<HandshakeFailed>(_ => { });
        Receive<IkeSaEnding>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private string Name => _target.Connection.Name;

    public static Props Props(InitiatorTarget target) => Akka.Actor.Props.Create(() => new ConnectionInitiatorActor(target));

    /// <summary>Actor name of a connection's initiator.</summary>
    public static string NameFor(string connection) => $"initiator-{connection}";

    protected override void PreStart()
    {
        if (_target.Connection.Initiator.StartAction == StartAction.Start)
        {
            Self.Tell(Attempt.Instance);
        }
    }

    private void OnAttempt()
    {
        if (_current is not null || _spawning)
        {
            return;
        }

        _spawning = true;
        _remote = _schedule.NextAddress;
        if (IPAddress.TryParse(_remote, out var address))
        {
            Spawn([address]);
            return;
        }

        // A DNS name is resolved at each attempt (its address may change between them), off the actor's thread.
        string name = _remote;
        Dns.GetHostAddressesAsync(name).PipeTo(Self,
            success: a => new Resolved(a),
            failure: e => new ResolveFailed($"cannot resolve '{name}': {e.GetBaseException().Message}"));
    }

    private void Spawn(IPAddress[] addresses)
    {
        if (addresses.Length == 0)
        {
            _spawning = false;
            Failed($"'{_remote}' has no address");
            return;
        }

        IPAddress remote = addresses[0];
        IPAddress local;
        try
        {
            local = _target.SourceFor(remote);
        }
        catch (SocketException e)
        {
            _spawning = false;
            Failed($"no route to {remote}: {e.SocketErrorCode}");
            return;
        }

        _attempts++;
        var localEndpoint = new IPEndPoint(local, _target.IkePort);
        var remoteEndpoint = new IPEndPoint(remote, _target.IkePort);
        _log.Initiating(Name, remoteEndpoint.ToString(), localEndpoint.ToString(), _attempts);
        var props = IkeSaActor.Initiating(_target.Config, localEndpoint, remoteEndpoint, _target.Environment with { Observer = Self },
            _target.Socket, Self);
        _target.Home.Tell(new SpawnSa(Name, props, $"initiated-{Name}-{_attempts}"));
        Timers.StartSingleTimer(SpawnTimeout.Instance, SpawnTimeout.Instance, TimeSpan.FromSeconds(10));
    }

    private void OnEnded(InitiatedSaEnded ended)
    {
        if (!ended.Sa.Equals(_current))
        {
            return;
        }

        _current = null;
        InitiationStep step = _schedule.OnEnded(ended.End);
        if (ended.End == InitiatedSaEnd.Failed)
        {
            Next(step, ended.Detail);
            return;
        }

        _log.InitiatedEnded(Name, ended.End.ToString().ToLowerInvariant(), ended.Detail, step.Action switch
        {
            StartAction.Start => "initiating again",
            StartAction.Trap => "waiting for traffic",
            _ => "not initiating again",
        });
        if (step.Action == StartAction.Start)
        {
            Timers.StartSingleTimer(AttemptTimer, Attempt.Instance, step.Delay);
        }
    }

    private void Failed(string reason)
    {
        _spawning = false;
        Next(_schedule.OnFailed(), reason);
    }

    private void Next(InitiationStep step, string reason)
    {
        _log.AttemptFailed(Name, _remote, reason, step.Delay);
        if (step.Action == StartAction.Start)
        {
            Timers.StartSingleTimer(AttemptTimer, Attempt.Instance, step.Delay);
        }
    }

    private sealed record Attempt
    {
        public static Attempt Instance { get; } = new();
    }

    private sealed record SpawnTimeout
    {
        public static SpawnTimeout Instance { get; } = new();
    }

    private sealed record Resolved(IPAddress[] Addresses);

    private sealed record ResolveFailed(string Reason);
}

/// <summary>What a <see cref="ConnectionInitiatorActor"/> needs: the connection, its initiator <see cref="IkeSaConfig"/>,
/// the environment of its SAs (its home's timers, the node's SPI tables and kernel actor), the IKE socket actor, the
/// InterfaceActor its SAs live under, the IKE port and how our address towards a peer is chosen.</summary>
public sealed record InitiatorTarget(
    ConnectionSettings Connection,
    IkeSaConfig Config,
    IkeSaEnvironment Environment,
    IActorRef Socket,
    IActorRef Home,
    int IkePort,
    Func<IPAddress, IPAddress> SourceFor)
{
    /// <summary>Our address towards <paramref name="remote"/>: the first concrete listen address of its family, else the
    /// one the routing table picks (a connected UDP socket's local address; nothing is sent).</summary>
    public static Func<IPAddress, IPAddress> FromListen(IReadOnlyList<IPAddress> listen) => remote =>
    {
        foreach (IPAddress a in listen)
        {
            if (a.AddressFamily == remote.AddressFamily && !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any))
            {
                return a;
            }
        }

        using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(remote, 9);
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    };
}
