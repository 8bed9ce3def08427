using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Connections;
using Concentrator.Kernel;
using Concentrator.Kernel.Netlink;
using Concentrator.Kernel.Userspace;
using Concentrator.Server.Cluster;
using Concentrator.Server.Management;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Metrics;
using Concentrator.Server.Network;
using Concentrator.Server.Pools;
using Concentrator.Server.Radius;
using Concentrator.Server.Sa;

// The node's lines are written once per start or shutdown (the pools' once per lease, already formatted by
// PoolAllocator): their arguments are not worth an IsEnabled check each.
#pragma warning disable CA1873

namespace Concentrator.Server.Runtime;

/// <summary>
/// The composition root: one running concentrator. It chooses the dataplane, opens the kernel implementation,
/// and builds the actor tree of DESIGN.md (kernel actor, one interface actor per ipsecN the connections use plus the
/// policy-based one for <c>ipsec-interface = no</c>, each connection's address pools, IKE SA dispatcher, IKE sockets).
/// Every connection of every file is served, in the operator's order; IKE_AUTH chooses one per peer
/// (Concentrator.Ike's ConnectionSelection). <see cref="StopAsync"/> takes it down again and removes the kernel state
/// it owns.
/// </summary>
public sealed partial class ConcentratorNode : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown waits for the peers to answer their Delete.</summary>
    private static readonly TimeSpan ShutdownDeleteTimeout = TimeSpan.FromSeconds(3);

    private readonly NodeWiring _wiring;
    private LeaseJournal? _leases;
    private int _stopped;
    private int _detached;
    private NodeDefinition _definition;
    private IReadOnlyList<ServedConnection> _served;

    private ConcentratorNode(NodeDefinition definition, DataplaneChoice dataplane, ActorSystem system, IKernelIpsec kernel,
        IActorRef kernelActor, IActorRef dispatcher, IActorRef socket, IReadOnlyList<ServedConnection> served, NodeWiring wiring)
    {
        _definition = definition;
        _served = served;
        _wiring = wiring;
        Dataplane = dataplane;
        System = system;
        KernelIpsec = kernel;
        KernelActor = kernelActor;
        Dispatcher = dispatcher;
        Socket = socket;
    }

    /// <summary>The configuration served now (the start's, or the last reload's).</summary>
    public NodeDefinition Definition => Volatile.Read(ref _definition);

    /// <summary>The dataplane in use and why it was chosen.</summary>
    public DataplaneChoice Dataplane { get; }

    public ActorSystem System { get; }

    /// <summary>The kernel implementation (<see cref="UserspaceKernelIpsec"/> or <see cref="NetlinkKernelIpsec"/>).</summary>
    public IKernelIpsec KernelIpsec { get; }

    public IActorRef KernelActor { get; }

    public IActorRef Dispatcher { get; }

    public IActorRef Socket { get; }

    /// <summary>The RADIUS client (<c>/user/radius</c>), running when <c>concentrator.radius.servers</c> names any.</summary>
    public IActorRef? Radius => _wiring.Radius;

    /// <summary><c>/user/cluster-node</c> when <c>concentrator.cluster.enabled</c> (Cluster/NodeBlocksActor), else null.</summary>
    public IActorRef? ClusterMember { get; private init; }

    /// <summary><c>/user/cluster-management</c> on a cluster node (the management API across the members), else null.</summary>
    public IActorRef? ClusterManagement { get; private set; }

    /// <summary>The connections served, in the operator's order (file order, then order in the file), each with its
    /// pools and the actor its established IKE SAs live under. A reload replaces the whole list at once.</summary>
    public IReadOnlyList<ServedConnection> Served => Volatile.Read(ref _served);

    /// <summary>The served connection named <paramref name="name"/>.</summary>
    public ServedConnection Connection(string name) =>
        Served.FirstOrDefault(c => c.Settings.Name == name) ?? throw new ArgumentException($"no connection '{name}' is served", nameof(name));

    /// <summary>The actors that supervise established IKE SAs: one per ipsecN in use (<c>/user/ipsecN</c>) and the
    /// policy-based one (<c>/user/policy-based</c>) when a connection has <c>ipsec-interface = no</c>.</summary>
    public IReadOnlyList<IActorRef> Interfaces => Served.Select(c => c.Interface).Distinct().ToList();

    /// <summary>Datagrams that ended before an IKE SA existed, by reason (malformed, COOKIE demanded, over the
    /// half-open limit, unknown SPI, …).</summary>
    public DatagramDrops Drops { get; private init; } = new();

    /// <summary>The node's instruments, on the Meter named <see cref="ConcentratorMetrics.MeterName"/>.</summary>
    public ConcentratorMetrics Metrics { get; private init; } = null!;

    /// <summary>Completes when the actor system has terminated.</summary>
    public Task WhenTerminated => System.WhenTerminated;

    /// <summary>Starts a node on an ActorSystem of its own, configured from <paramref name="definition"/>.</summary>
    public static Task<ConcentratorNode> StartAsync(NodeDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return StartAsync(ActorSystem.Create("concentrator", ActorSystemConfig(definition)), definition, cancellationToken);
    }

    /// <summary>The configuration the node's ActorSystem runs on: the operator's (HOCON.conf over the references)
    /// over Akka's defaults.</summary>
    private static Akka.Configuration.Config ActorSystemConfig(NodeDefinition definition) =>
        definition.Config.WithFallback(Akka.Configuration.ConfigurationFactory.Default());

    /// <summary>Starts a node on <paramref name="system"/> (the host's, from Akka.Hosting): the node owns it from
    /// here on and terminates it in <see cref="StopAsync"/>, or when the start fails, before the kernel state it
    /// owns is removed. Completes once the IKE sockets are bound and every interface is up.</summary>
    public static async Task<ConcentratorNode> StartAsync(ActorSystem system, NodeDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(definition);
        var server = definition.Server;
        var connections = definition.Connections;
        if (connections.Count == 0)
        {
            await system.Terminate().ConfigureAwait(false);
            throw new ConfigException(definition.Files.Count > 0 ? definition.Files[0].File : "config-dir", null, "expected at least one connection to serve, found none");
        }

        DataplaneChoice dataplane;
        try
        {
            dataplane = await DataplaneProbe.DecideAsync(server.Dataplane, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }

        // Issue 13: Akka's scheduler clock and the first use of the IKE crypto, started here while the pool is idle
        // rather than by the first IKE_SA_INIT burst.
        await NodeWarmUp.StartSchedulerAsync(system.Scheduler).ConfigureAwait(false);
        NodeWarmUp.Crypto(connections);
        var log = ServerLogging.For<ConcentratorNode>(system);
        log.Dataplane(dataplane.Mode.ToString().ToLowerInvariant(), dataplane.Reason);
        if (server.AllowModp1024)
        {
            var weak = connections.SelectMany(c => Modp1024Policy.ProposalsUsingIt(c).Select(key => $"{c.Name}.{key}")).ToList();
            log.Modp1024Allowed(weak.Count > 0 ? string.Join(", ", weak) : "no proposal yet");
        }

        LeaseJournal? leases;
        try
        {
            leases = server.Leases.IsEnabled ? LeaseJournal.Open(server.Leases.Path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await system.Terminate().ConfigureAwait(false);
            throw new ConfigException(server.Leases.File, "concentrator.leases.path",
                $"expected a file the concentrator can create and write, '{server.Leases.Path}' is not: {e.Message} (or set it to \"\" to keep leases in memory only)");
        }

        if (leases is not null)
        {
            log.Leases(leases.Path, leases.SkippedLines > 0 ? $" ({leases.SkippedLines} unreadable line(s) skipped, e.g. torn by a crash)" : "");
        }

        IActorRef? socketRef = null;
        IKernelIpsec kernel;
        NodeWiring? wiring = null;
        ExternalNatTransport? externalNatT = null;
        try
        {
            if (dataplane.Mode == DataplaneMode.Userspace)
            {
                // The userspace dataplane reads ESP-in-UDP from port 4500 itself, so it owns those sockets (one per
                // listen address, as the socket actor has for port 500); IKE behind the non-ESP marker is handed to
                // the socket actor, which keeps port 500 for itself.
                var addresses = IkeSocketOptions.From(server, kernelEspInUdp: false).Addresses();
                var userspace = new UserspaceKernelIpsec(new UserspaceIpsecOptions
                {
                    UdpEndPoints = [.. addresses.Select(a => new IPEndPoint(a, server.NatTPort))],
                    ReplayWindow = (uint)server.UserspaceReplayWindow,
                    // Tells inbound SAs (destination = one of ours) from outbound ones: the concrete addresses.
                    LocalAddresses = addresses,
                    IkeReceived = (message, from, local) => Volatile.Read(ref socketRef)?.Tell(new InjectIke(from, message) { Local = local }),
                });
                externalNatT = new ExternalNatTransport([.. userspace.Sockets.Select(u => u.LocalEndPoint)], (local, to, message) => userspace.SendIke(local, to, message.Span));
                kernel = userspace;
            }
            else
            {
                kernel = NetlinkKernelIpsec.Open();
            }
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            leases?.Dispose();
            throw;
        }

        // The node's instruments (Meter "Concentrator"): a listener started before the node (the host's metrics
        // provider) sees every measurement from the first IKE_SA_INIT on.
        var metrics = new ConcentratorMetrics();
        try
        {
            var kernelActor = system.ActorOf(Kernel.KernelActor.Props(kernel, server.Kernel, metrics), "kernel");
            var radius = definition.Radius.IsEnabled ? system.ActorOf(RadiusClientActor.Props(definition.Radius), "radius") : null;
            var clustered = definition.Cluster.Enabled;
            wiring = new NodeWiring(system, kernelActor, server, radius, leases, clustered, metrics);
            var served = new List<ServedConnection>();
            var candidates = new List<ConnectionCandidate>();
            foreach (var connection in connections)
            {
                // The home of the connection's established IKE SAs: the actor of its ipsecN (shared by every connection
                // on that interface, each attaching its pool routes), or for ipsec-interface = no the policy-based one.
                var home = await wiring.AttachAsync(connection, update: false, cancellationToken).ConfigureAwait(false);
                var (candidate, connectionServed) = wiring.Wire(connection, definition, home);
                candidates.Add(candidate);
                served.Add(connectionServed);
            }

            var spis = wiring.Spis;
            var (ikeConfig, environment) = wiring.Offer(candidates);
            var drops = new DatagramDrops();
            var dispatcher = system.ActorOf(IkeSaDispatcher.Props(ikeConfig, environment, server.HalfOpen, drops, admitting: !clustered), "ike-sas");
            // A cluster node serves once it is Up with its first pool blocks (NodeBlocksActor opens admission).
            ConcentratorNode? started = null;
            var clusterNode = clustered
                ? ClusterNode.Start(system, definition.Cluster, wiring.Allocators.All, served, dispatcher,
                    () => Volatile.Read(ref started)?.Interfaces ?? [.. served.Select(c => c.Interface).Distinct()], metrics)
                : null;
            var options = IkeSocketOptions.From(server, kernelEspInUdp: dataplane.Mode == DataplaneMode.Kernel) with { ExternalNatT = externalNatT, Drops = drops };
            var socket = system.ActorOf(IkeSocketActor.Props(options, spis, dispatcher), "ike-socket");

            // The sockets bind in PreStart; the answer says whether they did (concentrator.ike.bind).
            var stats = await socket.Ask<object>(GetSocketStats.Instance, AskTimeout, cancellationToken).ConfigureAwait(false) switch
            {
                SocketStats s => s,
                SocketStartFailed failed => throw new InvalidOperationException(failed.Reason),
                var other => throw new InvalidOperationException($"IKE socket answered {other}"),
            };
            Volatile.Write(ref socketRef, socket);
            if (clustered)
            {
                // Leaving on purpose (StopAsync) or downed: the SAs go before the node leaves the cluster.
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "delete-ike-sas", async () =>
                {
                    if (Volatile.Read(ref started) is { } node)
                    {
                        await node.DeleteSasAndDetachAsync().ConfigureAwait(false);
                    }

                    return Akka.Done.Instance;
                });
            }

            log.Serving(string.Join(", ", served.Select(c => $"connection '{c.Settings.Name}' ({c.Interface.Path.Name})")),
                string.Join(", ", stats.Bound.Select(b => b.Local)),
                externalNatT is null ? "" : $", NAT-T {string.Join(", ", externalNatT.Locals)} (userspace dataplane)");
            var node = new ConcentratorNode(definition, dataplane, system, kernel, kernelActor, dispatcher, socket, served, wiring)
            {
                _leases = leases,
                Drops = drops,
                ClusterMember = clusterNode,
                Metrics = metrics,
            };
            if (clusterNode is not null)
            {
                // At its well-known path on every member: the others ask it for this node's SAs and state.
                node.ClusterManagement = system.ActorOf(ClusterManagementActor.Props(ManagementActor.Props(node), clusterNode, metrics.Cluster), ClusterManagementActor.Name);
            }

            // Over the connections served now: a reload's new pools and interfaces are observed from then on.
            NodeObservations.Register(metrics, drops, () => node.Served, kernel);
            node.StartInitiators(connections, candidates, environment);
            started = node;
            return started;
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            leases?.Dispose();
            metrics.Dispose();
            await CleanUpKernelAsync(kernel, wiring?.IfIds ?? []).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Live IKE SA actors (handshakes under the dispatcher plus established SAs under the interface
    /// actor), half-open ones and the total created since start.</summary>
    public async Task<IkeSaDispatcherStats> SaStatsAsync()
    {
        var handshakes = await Dispatcher.Ask<IkeSaDispatcherStats>(GetIkeSaDispatcherStats.Instance, AskTimeout).ConfigureAwait(false);
        var established = 0;
        foreach (var home in Interfaces)
        {
            established += (await home.Ask<InterfaceState>(GetInterfaceState.Instance, AskTimeout).ConfigureAwait(false)).SaCount;
        }

        return handshakes with { Live = handshakes.Live + established };
    }

    /// <summary>Detaches every connection (each interface actor removes an ipsecN it created and its routes), stops
    /// the actor system, then removes whatever owned kernel state is left (SAs, policies) and closes the kernel.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            await System.WhenTerminated.ConfigureAwait(false);
            return;
        }

        // A reload under way finishes first (each of its steps is bounded), so the shutdown sees one set of connections.
        var reloadDone = await _reloading.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        try
        {
            if (ClusterMember is not null)
            {
                // A cluster node leaves through Akka's coordinated shutdown: its first phase deletes the SAs and detaches
                // the connections (the task StartAsync registered), then the node leaves the cluster (its blocks return
                // once the others have removed it) and the ActorSystem terminates.
                await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
                await System.WhenTerminated.ConfigureAwait(false);
            }
            else
            {
                await DeleteSasAndDetachAsync().ConfigureAwait(false);
                await System.Terminate().ConfigureAwait(false);
            }
        }
        finally
        {
            if (reloadDone)
            {
                _reloading.Release();
            }
        }

        Metrics.Dispose();
        // After the actors: the last releases and replacements are in the journal before it is closed and fsynced.
        _leases?.Dispose();
        await CleanUpKernelAsync(KernelIpsec, _wiring.IfIds).ConfigureAwait(false);
    }

    // Closes admission (a cluster node), sends every SA's peer a Delete and detaches every connection; once.
    private async Task DeleteSasAndDetachAsync()
    {
        if (Interlocked.Exchange(ref _detached, 1) != 0 || System.WhenTerminated.IsCompleted)
        {
            return;
        }

        if (ClusterMember is not null)
        {
            Dispatcher.Tell(new SetAdmission(false, "the node is stopping"));
        }

        // Nothing initiates again while the SAs are being deleted.
        await StopInitiatorsAsync(_initiators.Keys).ConfigureAwait(false);

        try
        {
            // Clients hear of the shutdown through a Delete (strongSwan does the same), bounded: a peer that does not
            // answer is not waited for; whatever is left is flushed below. Handshakes first: one that is moving to
            // the interface actor ends there, so it is under the interface actor when that is asked.
            var budget = global::System.Diagnostics.Stopwatch.StartNew();
            var request = new DeleteAllIkeSas("the concentrator is shutting down");
            var handshakes = await Dispatcher.Ask<AllIkeSasEnded>(request, ShutdownDeleteTimeout).ConfigureAwait(false);
            var deleted = handshakes.Deleted;
            foreach (var home in Interfaces)
            {
                var left = ShutdownDeleteTimeout - budget.Elapsed;
                deleted += (await home.Ask<AllIkeSasEnded>(request, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)).ConfigureAwait(false)).Deleted;
            }

            ServerLogging.For<ConcentratorNode>(System).ShutdownDeleted(deleted);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            ServerLogging.For<ConcentratorNode>(System).ShutdownDeleteTimedOut(ShutdownDeleteTimeout);
        }

        foreach (var connection in Served)
        {
            try
            {
                await connection.Interface.Ask<object>(new DetachConnection(connection.Settings.Name), AskTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                ServerLogging.For<ConcentratorNode>(System).DetachTimedOut(
                    InterfaceActor.NameFor(connection.Settings.IpsecInterface), connection.Settings.Name);
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static async Task CleanUpKernelAsync(IKernelIpsec kernel, IReadOnlyCollection<uint> ifIds)
    {
        try
        {
            // Every interface's if_id any connection used since start: what it may have left in the kernel.
            await kernel.FlushOwnedAsync(KernelOwnership.Default([.. ifIds])).ConfigureAwait(false);
        }
        finally
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A connection the node serves: its settings, its virtual IP pools (shared with the connections naming the same pool) and the actor its established IKE SAs
/// live under (the InterfaceActor of its ipsecN, or the policy-based one).</summary>
public sealed record ServedConnection(ConnectionSettings Settings, ConnectionAddresses Pools, IActorRef Interface);
