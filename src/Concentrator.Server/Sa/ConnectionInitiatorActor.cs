// The initiator's lines are written once per attempt or SA: their arguments are not worth an IsEnabled check each.
#pragma warning disable CA1873
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Kernel;
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
    private readonly uint _trapReqid;
    private IActorRef? _current;
    private bool _spawning;
    private bool _trapInstalled;
    private bool _trapInstalling;
    private long _trapCorrelation;
    private long _acquireNotBefore;
    private string _remote = "";
    private int _attempts;

    public ConnectionInitiatorActor(InitiatorTarget target)
    {
        _target = target;
        _schedule = new InitiationSchedule(target.Connection.Initiator);
        var initiator = target.Connection.Initiator;
        if (initiator.StartAction == StartAction.Trap || initiator.CloseAction == StartAction.Trap || initiator.DpdAction == StartAction.Trap)
        {
            // One reqid for the trap policies and, in turn, the first CHILD SA of every SA an ACQUIRE starts.
            _trapReqid = target.Environment.Settings.ReqidAllocator();
        }

        Receive<Attempt>(_ => OnAttempt());
        Receive<InstallTrap>(_ => OnInstallTrap());
        Receive<Resolved>(r =>
        {
            if (r.ForTrap)
            {
                TrapResolved(r.Addresses);
            }
            else
            {
                Spawn(r.Addresses);
            }
        });
        Receive<AcquireEvent>(OnAcquire);
        Receive<Kernel.KernelDone>(d => d.CorrelationId == _trapCorrelation, _ =>
        {
            _trapInstalling = false;
            _trapInstalled = true;
            _log.TrapInstalled(Name, _remote, _trapReqid);
        });
        Receive<Kernel.KernelFailed>(f => f.CorrelationId == _trapCorrelation, f =>
        {
            _trapInstalling = false;
            TrapFailed(f.ToString());
        });
        Receive<ResolveFailed>(r =>
        {
            if (r.ForTrap)
            {
                _trapInstalling = false;
                TrapFailed(r.Reason);
            }
            else
            {
                Failed(r.Reason, "resolve");
            }
        });
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
                Failed($"{target.Home.Path.Name} did not spawn the SA", "spawn");
            }
        });
        Receive<IkeSaEstablished>(_ =>
        {
            _schedule.OnEstablished();
            _log.InitiatedUp(Name, _remote);
        });
        Receive<InitiatedSaEnded>(OnEnded);
        // Told by the SA (this actor is its observer) as it stops before IKE_AUTH completed: the cause is the Notify
        // received or sent, or Timeout (InitiatedSaEnded follows and decides what comes next).
        Receive<HandshakeFailed>(f => _target.Environment.Metrics?.InitiationFailed(f.Cause));
        Receive<IkeSaEnding>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private string Name => _target.Connection.Name;

    public static Props Props(InitiatorTarget target) => Akka.Actor.Props.Create(() => new ConnectionInitiatorActor(target));

    /// <summary>Actor name of a connection's initiator.</summary>
    public static string NameFor(string connection) => $"initiator-{connection}";

    protected override void PreStart()
    {
        if (_trapReqid != 0)
        {
            Context.System.EventStream.Subscribe(Self, typeof(AcquireEvent));
        }

        if (_target.Connection.Initiator.StartAction == StartAction.Start)
        {
            Self.Tell(Attempt.Instance);
        }
        else if (_target.Connection.Initiator.StartAction == StartAction.Trap)
        {
            Self.Tell(InstallTrap.Instance);
        }
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void OnInstallTrap()
    {
        if (_trapInstalled || _trapInstalling)
        {
            return;
        }

        _trapInstalling = true;
        _remote = _schedule.NextAddress;
        Resolve(_remote, forTrap: true);
    }

    /// <summary>The trap: the connection's out policies (every local-ts × remote-ts pair of one family, IPv4 or IPv6,
    /// whatever the peer's outer family: tunnel mode carries either) with the interface's if_id and a template to the
    /// peer, and no state, so outbound traffic makes the kernel (or the userspace dataplane) ask for one:
    /// XFRM_MSG_ACQUIRE. Equivalent to: <c>ip xfrm policy add src L dst R dir out tmpl src l dst r proto esp reqid N
    /// mode tunnel if_id I</c>. Owned by this actor: gone when it stops.</summary>
    private void TrapResolved(IPAddress[] addresses)
    {
        if (addresses.Length == 0 || !TryLocal(addresses[0], out var local))
        {
            _trapInstalling = false;
            TrapFailed(addresses.Length == 0 ? $"'{_remote}' has no address" : $"no route to {addresses[0]}");
            return;
        }

        IPAddress remote = addresses[0];
        uint ifId = _target.Environment.Settings.IfId;
        var policies = (from ours in _target.Connection.LocalTs
                        from theirs in _target.Connection.RemoteTs
                        where ours.BaseAddress.AddressFamily == theirs.BaseAddress.AddressFamily
                        select new PolicyRequest(new TrafficSelector(ours, theirs), PolicyDirection.Out,
                            [new PolicyTemplate(local, remote, _trapReqid)]) { IfId = ifId }).ToList();
        _trapCorrelation++;
        // XFRM_MSG_UPDPOLICY: a re-arm after an SA meets the policy still there when the SA never installed its own.
        _target.Environment.Kernel.Tell(new Kernel.InstallChild(_trapCorrelation, _trapReqid, [], policies) { ReplacePolicies = true });
    }

    private void TrapFailed(string reason)
    {
        var step = _schedule.OnFailed();
        _log.AttemptFailed(Name, _remote, $"trap not installed: {reason}", step.Delay);
        Timers.StartSingleTimer(AttemptTimer, InstallTrap.Instance, step.Delay == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : step.Delay);
    }

    private void OnAcquire(AcquireEvent acquire)
    {
        if (acquire.Reqid != _trapReqid || _current is not null || _spawning || Environment.TickCount64 < _acquireNotBefore)
        {
            return;
        }

        _log.Acquired(Name, acquire.Selector.ToString(), _trapReqid);
        OnAttempt();
    }

    private bool TryLocal(IPAddress remote, out IPAddress local)
    {
        try
        {
            local = _target.SourceFor(remote);
            return true;
        }
        catch (SocketException)
        {
            local = IPAddress.None;
            return false;
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
        _target.Environment.Metrics?.InitiationStarted(Name);
        Resolve(_remote, forTrap: false);
    }

    private void Resolve(string name, bool forTrap)
    {
        if (IPAddress.TryParse(name, out var address))
        {
            Self.Tell(new Resolved([address], forTrap));
            return;
        }

        // A DNS name is resolved at each attempt (its address may change between them), off the actor's thread.
        Dns.GetHostAddressesAsync(name).PipeTo(Self,
            success: a => new Resolved(a, forTrap),
            failure: e => new ResolveFailed($"cannot resolve '{name}': {e.GetBaseException().Message}", forTrap));
    }

    private void Spawn(IPAddress[] addresses)
    {
        if (addresses.Length == 0)
        {
            _spawning = false;
            Failed($"'{_remote}' has no address", "resolve");
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
            Failed($"no route to {remote}: {e.SocketErrorCode}", "no-route");
            return;
        }

        _attempts++;
        var localEndpoint = new IPEndPoint(local, _target.IkePort);
        var remoteEndpoint = new IPEndPoint(remote, _target.IkePort);
        _log.Initiating(Name, remoteEndpoint.ToString(), localEndpoint.ToString(), _attempts);
        var props = IkeSaActor.Initiating(_target.Config, localEndpoint, remoteEndpoint, _target.Environment with { Observer = Self },
            _target.Socket, Self, _trapInstalled ? _trapReqid : 0);
        _target.Home.Tell(new SpawnSa(Name, props, $"initiated-{Name}-{_attempts}") { Initiated = true });
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
        bool rearm = _trapInstalled && (_target.Connection.Initiator.StartAction == StartAction.Trap || step.Action == StartAction.Trap);
        if (rearm)
        {
            // The SA took the trap's reqid and with it the trap's out policies, which its removal (sent to the kernel
            // actor before this message was) has deleted: the trap goes in again, after that removal on the same
            // queue, so the next packet asks again. The trap stays as long as the connection, however the SA ended
            // (strongSwan keeps a trap until it is uninstalled, not until an SA of it is terminated).
            _trapInstalled = false;
            Self.Tell(InstallTrap.Instance);
        }

        if (ended.End == InitiatedSaEnd.Failed)
        {
            Next(step, ended.Detail);
            return;
        }

        _log.InitiatedEnded(Name, ended.End.ToString().ToLowerInvariant(), ended.Detail, step.Action switch
        {
            StartAction.Start => "initiating again",
            StartAction.Trap => "waiting for traffic",
            _ when rearm => "waiting for traffic",
            _ => "not initiating again",
        });
        if (step.Action == StartAction.Start)
        {
            Timers.StartSingleTimer(AttemptTimer, Attempt.Instance, step.Delay);
        }
        else if (step.Action == StartAction.Trap && !rearm)
        {
            // A connection that starts trapping now (close-action or dpd-action = trap): its trap goes in.
            Self.Tell(InstallTrap.Instance);
        }
    }

    /// <summary>An attempt that ended before an IKE SA was spawned: counted under <paramref name="cause"/>.</summary>
    private void Failed(string reason, string cause)
    {
        _spawning = false;
        _target.Environment.Metrics?.InitiationFailed(cause);
        Next(_schedule.OnFailed(), reason);
    }

    private void Next(InitiationStep step, string reason)
    {
        _log.AttemptFailed(Name, _remote, reason, step.Delay);
        if (step.Action == StartAction.Start)
        {
            Timers.StartSingleTimer(AttemptTimer, Attempt.Instance, step.Delay);
        }
        else if (step.Action == StartAction.Trap)
        {
            // The next ACQUIRE starts the next attempt, not before the backoff.
            _acquireNotBefore = Environment.TickCount64 + (long)step.Delay.TotalMilliseconds;
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

    private sealed record InstallTrap
    {
        public static InstallTrap Instance { get; } = new();
    }

    private sealed record Resolved(IPAddress[] Addresses, bool ForTrap);

    private sealed record ResolveFailed(string Reason, bool ForTrap);
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
    /// <summary>Our address towards <paramref name="remote"/>: the one the routing table picks (a connected UDP socket's
    /// local address; nothing is sent) when we listen on it or on no concrete address of its family, else the first
    /// concrete listen address of its family (a gateway listening on several addresses initiates from the one on the
    /// peer's side, as the routing table sees it).</summary>
    public static Func<IPAddress, IPAddress> FromListen(IReadOnlyList<IPAddress> listen) => remote =>
    {
        var concrete = listen.Where(a => a.AddressFamily == remote.AddressFamily && !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any)).ToList();
        IPAddress? routed = null;
        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(remote, 9);
            routed = ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException) when (concrete.Count > 0)
        {
            // No route to the peer now: the first listen address, as before a route exists.
        }

        return concrete.Count == 0 || (routed is not null && concrete.Contains(routed)) ? routed! : concrete[0];
    };
}
