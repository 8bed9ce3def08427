using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using System.Net;
using Akka.Actor;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Metrics;
using Concentrator.Server.Runtime;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Interfaces;

/// <summary>
/// One per <c>ipsec-interface</c> number: owns the device ipsecN (creates it, or adopts one the operator made and
/// then never deletes it), one route per address pool of its connections through it, and supervises the established
/// IKE SAs of those connections: the actor of an SA's handshake (under the dispatcher) hands the SA over once IKE_AUTH
/// has chosen its connection (<see cref="SpawnSa"/>), and the SA's actor lives here as a child named after its SPI.
/// Connections with <c>ipsec-interface = no</c> live under an instance of their own without a device, named
/// "policy-based" (the XFRM policies steer the traffic, no route is needed). The device is reference-counted across
/// connections: the last <see cref="DetachConnection"/> stops the connections' SAs, removes the device and stops
/// the actor. At shutdown <see cref="DeleteAllIkeSas"/> deletes every SA here towards its peer.
/// </summary>
public sealed partial class InterfaceActor : ReceiveActor
{
    private readonly IpsecInterfaceSetting _setting;
    private readonly IActorRef _kernel;
    private readonly InterfaceSettings _interfaceSettings;
    private readonly int _linkIndex;
    private readonly ILogger _log = ServerLogging.For<InterfaceActor>(Context);
    private readonly Dictionary<long, Action<object>> _waits = [];
    private readonly Dictionary<string, ConnectionSettings> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<IPNetwork, int> _routeRefs = [];
    private readonly HashSet<IPNetwork> _routed = [];
    private readonly HashSet<string> _blockRouted = new(StringComparer.Ordinal);
    private readonly HashSet<IPNetwork> _blocks = [];
    private readonly List<(AttachConnection Attach, IActorRef ReplyTo)> _waitingForDevice = [];
    private readonly Dictionary<IActorRef, string> _children = [];

    /// <summary>Initiated SAs spawned here whose IKE_AUTH has not completed yet: not established, not counted.</summary>
    private readonly HashSet<IActorRef> _initiating = [];
    private readonly SupervisedSas _sas = new();
    private long _nextCorrelation;
    private int? _index;
    private bool _managed;
    private KernelFailed? _deviceFailure;
    private bool _tearingDown;
    private readonly ConcentratorMetrics? _metrics;
    private readonly KeyValuePair<string, object?> _interfaceTag;

    public InterfaceActor(IpsecInterfaceSetting setting, IActorRef kernel, InterfaceSettings interfaceSettings, int linkIndex, ConcentratorMetrics? metrics = null)
    {
        _metrics = metrics;
        _interfaceTag = new(MetricTags.Interface, NameFor(setting));
        _setting = setting;
        _kernel = kernel;
        _interfaceSettings = interfaceSettings;
        _linkIndex = linkIndex;
        Receive<AttachConnection>(a => OnAttach(a, Sender));
        Receive<DetachConnection>(d => OnDetach(d, Sender));
        Receive<SpawnSa>(OnSpawn);
        Receive<RouteBlock>(OnRouteBlock);
        Receive<SaStopped>(OnSaStopped);
        Receive<DeleteAllIkeSas>(d => _sas.DeleteAll(d, Sender));
        Receive<GetInterfaceState>(_ => Sender.Tell(new InterfaceState(
            _setting.InterfaceName, _index, _managed, _connections.Keys.Order(StringComparer.Ordinal).ToList(), _routed.ToList(), _children.Count - _initiating.Count)));
        Receive<KernelDone>(r => Resume(r.CorrelationId, r));
        Receive<KernelFailed>(r => Resume(r.CorrelationId, r));
        Receive<InterfaceReady>(r => Resume(r.CorrelationId, r));
        ReceiveManagement();
        ReceiveReload();
    }

    /// <summary>A failing IKE SA is stopped, never restarted: a restart would re-run its constructor with the
    /// peer's state lost, and the peer would be left talking to an SA that forgot its keys. Stopping it runs its
    /// PostStop, which gives its addresses back to the pool and its SPIs to their tables and tells the kernel actor to
    /// remove its CHILD SAs. (The interface actor's own strategy, <see cref="SaSupervisorStrategy"/>, is this one that
    /// also reports each child's end.)</summary>
    public static SupervisorStrategy SaSupervision { get; } =
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Stop);

    /// <summary>The actor for <paramref name="setting"/>; <paramref name="linkIndex"/> from <see cref="LinkIndex.Resolve"/>;
    /// <paramref name="metrics"/> counts its established IKE SAs and setups.</summary>
    public static Props Props(IpsecInterfaceSetting setting, IActorRef kernel, InterfaceSettings interfaceSettings, int linkIndex = 0, ConcentratorMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new InterfaceActor(setting, kernel, interfaceSettings, linkIndex, metrics));

    /// <summary>Actor name: "ipsecN", or "policy-based" for <c>ipsec-interface = no</c>.</summary>
    public static string NameFor(IpsecInterfaceSetting setting) => setting.InterfaceName ?? "policy-based";

    protected override SupervisorStrategy SupervisorStrategy() => SaSupervisorStrategy.Instance;

    protected override void PreStart()
    {
        // Initiated IKE SAs are spawned here on the compact mailbox, as handed-over ones are.
        CompactMailbox.Register(Context.System);
        _metrics?.Established.Add(0, _interfaceTag);
        if (!_setting.IsEnabled)
        {
            return;
        }

        var request = InterfaceRequest.For(_setting, _linkIndex) with { Mtu = (uint)_interfaceSettings.Mtu };
        Send(id => new EnsureInterface(id, request), reply =>
        {
            switch (reply)
            {
                case InterfaceReady ready:
                    _index = ready.Index;
                    _managed = ready.Managed;
                    _log.DeviceReady(ready.Managed ? "created" : "adopted", ready.Name, ready.Index);
                    break;
                case KernelFailed failed:
                    _deviceFailure = failed;
                    _log.DeviceFailed(_setting.InterfaceName ?? "", failed.ToString());
                    break;
            }

            foreach (var (attach, replyTo) in _waitingForDevice)
            {
                OnAttach(attach, replyTo);
            }

            _waitingForDevice.Clear();
        });
    }

    private void Send(Func<long, IKernelCommand> command, Action<object> onReply)
    {
        var id = ++_nextCorrelation;
        _waits[id] = onReply;
        _kernel.Tell(command(id));
    }

    private void Resume(long correlationId, object reply)
    {
        if (_waits.Remove(correlationId, out var onReply))
        {
            onReply(reply);
        }
    }

    private void OnSpawn(SpawnSa spawn)
    {
        // Not watched: its end arrives as SaStopped (SaSupervisorStrategy).
        var child = Context.ActorOf(spawn.Props, spawn.Name);
        _children[child] = spawn.Connection;
        if (spawn.Initiated)
        {
            _initiating.Add(child);
        }
        else
        {
            _metrics?.Established.Add(1, _interfaceTag);
        }

        _sas.Add(child);
        Sender.Tell(new SaSpawned(spawn.Connection, spawn.Name, child));
        if (!_connections.ContainsKey(spawn.Connection))
        {
            // Its handshake chose a connection a reload has removed since: it goes like that connection's other SAs.
            child.Tell(new DeleteIkeSa($"connection '{spawn.Connection}' was removed by a reload"));
        }
    }

    private void OnSaStopped(SaStopped stopped)
    {
        var sa = stopped.Sa;
        if (_children.Remove(sa) && !_initiating.Remove(sa))
        {
            _metrics?.Established.Add(-1, _interfaceTag);
        }

        _sas.Remove(sa);
        _registered.Remove(sa);
        AnswerConnectionDeletes(sa);
    }
}
