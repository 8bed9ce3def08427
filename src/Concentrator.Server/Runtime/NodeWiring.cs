using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Connections;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Logging;
using Concentrator.Server.Network;
using Concentrator.Server.Pools;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Server.Radius;
using Concentrator.Server.Revocation;
using Concentrator.Server.Sa;

// The pools' lines are already formatted by PoolAllocator, once per lease: their arguments are not worth an IsEnabled check.
#pragma warning disable CA1873
using Concentrator.Server.Metrics;

namespace Concentrator.Server.Runtime;

/// <summary>
/// How the node turns connections into what the dispatcher offers each handshake: the interface actor each
/// connection's SAs live under (one per <c>ipsec-interface</c> value), its pools (one allocator per pool, kept across
/// reloads so live leases stay where they are), the identity registry, the EAP-RADIUS relay and accounting actors
/// (each made when the first connection needs it), and the SPI tables every IKE SA shares. Used by the node's start
/// and by each reload, one at a time.
/// </summary>
internal sealed class NodeWiring
{
    /// <summary>The wait for an attach: a device to create or adopt, then its address and routes, several kernel commands
    /// one after the other; a slow kernel (under emulation: 3-8 s for a first xfrm interface) must not fail the start.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);
    private readonly ActorSystem _system;
    private readonly IActorRef _kernelActor;
    private int? _link;
    private readonly ChildSpiRegistry _childSpis = new();
    private IActorRef? _identities;
    private IActorRef? _eapRadius;
    private IActorRef? _accounting;
    private IActorRef? _revocation;

    public NodeWiring(ActorSystem system, IActorRef kernelActor, ServerSettings server, IActorRef? radius, LeaseJournal? leases, bool clustered = false,
        ConcentratorMetrics? metrics = null)
    {
        Clustered = clustered;
        Metrics = metrics;
        RevocationCache = new RevocationCache(server.Revocation.CacheSize, server.Revocation.FailureLifetime, server.Revocation.CrlLifetime);
        metrics?.ObserveRevocation(RevocationCache);
        ValidatedChains = server.ChainCacheSize > 0 ? new ValidatedChainCache(server.ChainCacheSize) : null;
        _system = system;
        _kernelActor = kernelActor;
        Server = server;
        Radius = radius;
        var log = ServerLogging.For<ConcentratorNode>(system);
        Allocators = new PoolAllocators(leases, (level, pool, line) => log.PoolEvent(AkkaLogger.FromAkka(level), pool, line), clustered);
    }

    public ServerSettings Server { get; }

    /// <summary>A cluster node: pools lease from blocks the cluster assigns, routed per block (not one route per pool).</summary>
    public bool Clustered { get; }

    /// <summary>The node's instruments, handed to the interface actors and the IKE SAs.</summary>
    public ConcentratorMetrics? Metrics { get; }

    public IActorRef? Radius { get; }

    /// <summary>The node's CRLs and OCSP answers, fetched by its revocation actor for every connection's IKE SAs.</summary>
    public RevocationCache RevocationCache { get; }

    /// <summary>The node's peer chains already validated (<c>concentrator.certificates.chain-cache-size</c>); null when 0.</summary>
    public ValidatedChainCache? ValidatedChains { get; }

    public PoolAllocators Allocators { get; }

    public SpiTable Spis { get; } = new();

    /// <summary>The interface actors by name (ipsecN, policy-based).</summary>
    public Dictionary<string, IActorRef> Homes { get; } = new(StringComparer.Ordinal);

    /// <summary>Every if_id any connection has used since start: what the shutdown flushes.</summary>
    public HashSet<uint> IfIds { get; } = [];

    /// <summary>The interface actor of <paramref name="connection"/>'s <c>ipsec-interface</c>, made when missing.</summary>
    public IActorRef HomeFor(ConnectionSettings connection)
    {
        var name = InterfaceActor.NameFor(connection.IpsecInterface);
        if (!Homes.TryGetValue(name, out var home))
        {
            // concentrator.interfaces.link: the device each ipsecN is attached to (IFLA_XFRM_LINK); empty means none.
            var link = connection.IpsecInterface.IsEnabled ? _link ??= LinkIndex.Resolve(Server.Interfaces.Link) : 0;
            home = _system.ActorOf(InterfaceActor.Props(connection.IpsecInterface, _kernelActor, Server.Interfaces, link, Metrics), name);
            Homes.Add(name, home);
        }

        if (connection.IpsecInterface.IsEnabled)
        {
            IfIds.Add(connection.IpsecInterface.IfId);
        }

        return home;
    }

    /// <summary>Attaches (or, with <paramref name="update"/>, re-attaches with new settings) the connection to its
    /// interface actor: routes for its pools.</summary>
    public async Task<IActorRef> AttachAsync(ConnectionSettings connection, bool update, CancellationToken cancellationToken)
    {
        var home = HomeFor(connection);
        object message = update ? new UpdateConnection(connection) : new AttachConnection(connection) { RoutePools = !Clustered };
        var attached = await home.Ask<object>(message, AskTimeout, cancellationToken).ConfigureAwait(false);
        if (attached is AttachFailed attachFailed)
        {
            throw new InvalidOperationException($"connection '{connection.Name}': {connection.IpsecInterface.InterfaceName} could not be set up: {attachFailed.Reason}");
        }

        return home;
    }

    /// <summary>What the dispatcher offers a handshake for <paramref name="connection"/>, and what the node reports of it.</summary>
    public (ConnectionCandidate Candidate, ServedConnection Served) Wire(ConnectionSettings connection, NodeDefinition definition, IActorRef home)
    {
        if (connection.Unique == UniquePolicy.Replace)
        {
            // unique = replace: the registry deletes an identity's older SA; keep refuses in IKE_AUTH; never neither.
            // Clustered, the registry is backed by the cluster-wide identity directory (the newest SA wins on any node).
            _identities ??= _system.ActorOf(IdentityRegistryActor.Props(
                Clustered ? _system.ActorOf(Cluster.IdentityDirectoryActor.Props(Metrics?.Cluster), "identity-directory") : null), "identities");
        }

        var eapRadius = connection.Remote.Auth == AuthClass.EapRadius && Radius is { } radius
            // eap-radius connections relay their EAP through one relay over the RADIUS client (the config check made
            // sure servers are configured when any connection uses it); accounting (RFC 2866) for their IKE SAs.
            ? _eapRadius ??= _system.ActorOf(EapRadiusRelay.Props(radius), "eap-radius")
            : null;
        var accounting = eapRadius is not null ? _accounting ??= _system.ActorOf(RadiusAccountingActor.Props(Radius!), "radius-accounting") : null;
        var pools = Allocators.For(connection);
        var settings = IkeSaActorSettings.For(Server, connection);
        var candidate = new ConnectionCandidate(connection.Name, ResponderConfig.For(connection, definition.Secrets, Server, definition.EapSecrets))
        {
            AddressAllocator = pools,
            IdentityGate = Allocators.KeepGateFor(connection),
            Tag = new ConnectionHome(connection.Name, home, settings, connection.Unique == UniquePolicy.Replace ? _identities : null)
            {
                EapRelay = eapRadius,
                Accounting = accounting,
                InterimInterval = definition.Radius.InterimInterval,
            },
        };
        Metrics?.Setups.Add(0, new KeyValuePair<string, object?>(MetricTags.Connection, connection.Name));
        if (connection.Initiator.Initiates)
        {
            Metrics?.Initiations.Add(0, new KeyValuePair<string, object?>(MetricTags.Connection, connection.Name));
        }

        return (candidate, new ServedConnection(connection, pools, home));
    }

    /// <summary>The dispatcher's provisional config and environment for <paramref name="candidates"/>: the handshake
    /// runs under the first connection's settings until IKE_SA_INIT and IKE_AUTH choose one (IkeInitTask,
    /// IkeAuthTask.ProcessR); the SA then moves to the chosen connection's home with its settings.</summary>
    public (IkeSaConfig Config, IkeSaEnvironment Environment) Offer(IReadOnlyList<ConnectionCandidate> candidates)
    {
        // A new set of connections (start or reload): their CAs and CRL files may differ, so no chain validated under the
        // previous ones is used again (the cache's keys name the trust too; this also frees the memory).
        ValidatedChains?.Clear();
        var services = new IkeSaServices
        {
            Connections = candidates,
            ChildSpiAllocator = _childSpis.Allocate,
            Revocation = RevocationCache,
            ValidatedChains = ValidatedChains,
        };
        var first = (ConnectionHome)candidates[0].Tag!;
        var environment = new IkeSaEnvironment(services, _kernelActor, first.Settings)
        {
            ChildSpis = _childSpis,
            Spis = Spis,
            Home = first.Home,
            Connection = first.Connection,
            Identities = first.Identities,
            Metrics = Metrics,
            Revocation = _revocation ??= _system.ActorOf(RevocationFetcherActor.Props(RevocationCache, Server.Revocation, metrics: Metrics), "revocation"),
        };
        return (candidates[0].Config, environment);
    }
}
