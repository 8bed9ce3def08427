using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Cluster;

/// <summary>
/// The cluster's actors on one node, started by <see cref="ConcentratorNode"/> when <c>concentrator.cluster.enabled</c>:
/// the pool block allocator as a cluster singleton (<c>/user/pool-block-allocator</c>, its manager on every node, the
/// singleton on the oldest), a proxy to it, and this node's <see cref="NodeBlocksActor"/> (<c>/user/cluster-node</c>).
/// </summary>
public static class ClusterNode
{
    /// <summary>Starts them; returns <c>/user/cluster-node</c>.</summary>
    /// <param name="interfaces">The actors holding established IKE SAs now (the load counts them; a reload may add
    /// one); null: those of <paramref name="served"/>.</param>
    public static IActorRef Start(ActorSystem system, ClusterSettings settings, IReadOnlyCollection<PoolAllocator> pools,
        IReadOnlyList<ServedConnection> served, IActorRef dispatcher, Func<IReadOnlyList<IActorRef>>? interfaces = null,
        Metrics.ConcentratorMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(served);
        // The replicator runs on every node (it is started by its first use), so the allocator's majority has members.
        _ = Akka.DistributedData.DistributedData.Get(system);
        // Every node must have the same pools: the layout is each node's own reading of it.
        var layouts = pools.Select(p => new PoolLayout(p.LeaseSpace, [.. p.Prefixes.Select(prefix => (prefix, settings.Pools.BlockPrefixFor(prefix)))])).ToList();
        system.ActorOf(ClusterSingletonManager.Props(BlockAllocatorActor.Props(layouts, settings.Pools.MajorityTimeout, metrics?.Cluster), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system)), "pool-block-allocator");
        var proxy = system.ActorOf(ClusterSingletonProxy.Props("/user/pool-block-allocator", ClusterSingletonProxySettings.Create(system)),
            "pool-block-allocator-proxy");
        // Per pool, the interface actors of the connections naming it: each routes the pool's blocks into its ipsecN.
        var routers = served
            .SelectMany(c => c.Pools.Pools.Select(p => (p.LeaseSpace, c.Interface)))
            .GroupBy(x => x.LeaseSpace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<IActorRef>)[.. g.Select(x => x.Interface).Distinct()], StringComparer.Ordinal);
        // Load gossip, redirect (RFC 5685) and drain: the held SAs are counted at the interface actors.
        IReadOnlyList<IActorRef> atStart = [.. served.Select(c => c.Interface).Distinct()];
        var load = system.ActorOf(ClusterLoadActor.Props(settings.Redirect, settings.RedirectGateway, interfaces ?? (() => atStart), dispatcher, metrics?.Cluster),
            "cluster-load");
        return system.ActorOf(NodeBlocksActor.Props([.. pools], routers, proxy, dispatcher, settings.Pools, load, metrics), "cluster-node");
    }
}
