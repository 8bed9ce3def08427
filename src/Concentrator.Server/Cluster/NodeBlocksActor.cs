using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Concentrator.Server.Logging;
using Concentrator.Server.Metrics;
using Concentrator.Server.Runtime;
using Concentrator.Server.Sa;
using Concentrator.Server.Interfaces;
using Microsoft.Extensions.Logging;

// Membership changes and block grants are rare (a few per node start): not worth an IsEnabled check each.
#pragma warning disable CA1873

namespace Concentrator.Server.Cluster;

/// <summary>
/// This node's side of the cluster (<c>/user/cluster-node</c>): follows its own membership and opens admission of new
/// IKE SAs (<see cref="SetAdmission"/> to the dispatcher) once it is Up and has asked for a first block of every pool
/// and family (answered, or told none is left); closes it when the node leaves, exits, is downed or removed. Asks the
/// allocator singleton for another block of a pool whenever fewer than <see cref="ClusterPoolSettings.LowWater"/>
/// addresses of a family are free in its blocks, adds each granted block to the pool's <see cref="PoolAllocator"/>
/// (leases stay local: no cross-node message per setup) and has the interface actors of the pool's connections route it.
/// </summary>
public sealed class NodeBlocksActor : ReceiveActor, IWithTimers
{
    /// <summary>How often the pools' free addresses are checked (an unanswered request is sent again after
    /// <see cref="ClusterPoolSettings.ReAskAfter"/>, longer than the allocator's majority write may take).</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ExhaustedRetry = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<PoolAllocator> _pools;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<IActorRef>> _routers;
    private readonly IActorRef _allocator;
    private readonly IActorRef _dispatcher;
    private readonly ClusterPoolSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly string _self;
    private readonly ILogger _log = ServerLogging.For<NodeBlocksActor>(Context);
    private readonly Dictionary<(string Space, int Family), DateTime> _asked = [];
    private readonly HashSet<(string Space, int Family)> _answered = [];
    private readonly HashSet<(string Space, int Family)> _exhausted = [];
    // Per pool and family that needs a block: when it first asked (Stopwatch ticks) and how often, until a block is owned.
    private readonly Dictionary<(string Space, int Family), (long Since, int Asks)> _needing = [];
    private bool _up;
    private bool _gone;
    private bool _admitting;
    private readonly IActorRef? _load;
    private ClusterLoad? _lastLoad;
    private readonly Metrics.ConcentratorMetrics? _metrics;

    public NodeBlocksActor(IReadOnlyList<PoolAllocator> pools, IReadOnlyDictionary<string, IReadOnlyList<IActorRef>> routers, IActorRef allocator,
        IActorRef dispatcher, ClusterPoolSettings settings, IActorRef? load = null, Metrics.ConcentratorMetrics? metrics = null)
    {
        _load = load;
        _metrics = metrics;
        _pools = pools;
        _routers = routers;
        _allocator = allocator;
        _dispatcher = dispatcher;
        _settings = settings;
        _self = BlockOwner.Of(_cluster.SelfUniqueAddress);
        Receive<ClusterEvent.IMemberEvent>(OnMemberEvent);
        Receive<BlocksOwned>(OnBlocksOwned);
        Receive<Check>(_ => CheckPools());
        Receive<GetClusterView>(_ => Sender.Tell(View()));
        Receive<ClusterLoad>(l =>
        {
            _lastLoad = l;
            // The members' load for the scrape: departed members' entries stay in the gossip but not in the metric.
            var members = _cluster.State.Members.Select(m => BlockOwner.Of(m.UniqueAddress)).ToHashSet(StringComparer.Ordinal);
            _metrics?.SetClusterLoad(l.Nodes.Where(n => members.Contains(n.Node))
                .Select(n => KeyValuePair.Create(n.Node.LastIndexOf('#') is var hash and > 0 ? n.Node[..hash] : n.Node, n.Held)));
        });
        Receive<DrainNode>(d =>
        {
            if (_load is null)
            {
                Sender.Tell(new DrainStarted(""));
                return;
            }

            _load.Forward(d);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="routers">Per pool lease space, the interface actors of the connections naming it.</param>
    /// <param name="load">The cluster load actor (redirect and drain), which this one shows in its view.</param>
    /// <param name="metrics">The node's instruments (the members' load).</param>
    public static Props Props(IReadOnlyList<PoolAllocator> pools, IReadOnlyDictionary<string, IReadOnlyList<IActorRef>> routers, IActorRef allocator,
        IActorRef dispatcher, ClusterPoolSettings settings, IActorRef? load = null, Metrics.ConcentratorMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new NodeBlocksActor(pools, routers, allocator, dispatcher, settings, load, metrics));

    protected override void PreStart()
    {
        // An allocation that leaves a pool low asks at once (from the IKE SA's thread, hence a message), not at the
        // next periodic check: at tens of setups per second a block runs out within a check interval.
        var self = Self;
        foreach (var pool in _pools)
        {
            pool.OnLow(_settings.LowWater, _ => self.Tell(Check.Instance));
        }

        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        _load?.Tell(new WatchLoad(Self));
        Timers.StartPeriodicTimer(nameof(Check), Check.Instance, CheckInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private sealed record Check
    {
        public static Check Instance { get; } = new();
    }

    private void OnMemberEvent(ClusterEvent.IMemberEvent e)
    {
        var member = e.Member;
        if (!member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
        {
            _log.MemberChanged(member.Address.ToString(), member.Status.ToString());
            return;
        }

        _log.SelfStatus(member.Address.ToString(), member.Status.ToString());
        switch (e)
        {
            case ClusterEvent.MemberUp:
                _up = true;
                CheckPools();
                break;
            case ClusterEvent.MemberLeft or ClusterEvent.MemberExited or ClusterEvent.MemberDowned or ClusterEvent.MemberRemoved:
                // Leaving or downed: no new SAs from now on; established ones stay until the node stops.
                _gone = true;
                SetAdmission(false, $"this node is {member.Status}");
                break;
        }
    }

    private void CheckPools()
    {
        if (!_up || _gone)
        {
            return;
        }

        var now = DateTime.UtcNow;
        foreach (var pool in _pools)
        {
            foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 }.Where(pool.Serves))
            {
                var key = (pool.LeaseSpace, family == AddressFamily.InterNetwork ? 4 : 6);
                var owned = pool.Blocks.Count(b => b.BaseAddress.AddressFamily == family);
                var low = owned == 0 || pool.Free(family) < (ulong)_settings.LowWater;
                // A pool the cluster has no block left of is asked again only every ExhaustedRetry.
                var retry = _exhausted.Contains(key) && ExhaustedRetry > _settings.ReAskAfter ? ExhaustedRetry : _settings.ReAskAfter;
                if (low && !(_asked.TryGetValue(key, out var at) && now - at < retry))
                {
                    _asked[key] = now;
                    _needing[key] = _needing.TryGetValue(key, out var need) ? need with { Asks = need.Asks + 1 } : (Stopwatch.GetTimestamp(), 1);
                    _allocator.Tell(new RequestBlocks(key.LeaseSpace, key.Item2, owned + 1, _self));
                    if (!AllocatorHere())
                    {
                        _metrics?.Cluster.Sent(ClusterMessageKind.BlockRequest);
                    }
                }
            }
        }

        OpenWhenReady();
    }

    private void OnBlocksOwned(BlocksOwned owned)
    {
        var key = (owned.Space, owned.Family);
        _answered.Add(key);
        var pool = _pools.FirstOrDefault(p => p.LeaseSpace == owned.Space);
        if (pool is null || owned.Owner != _self)
        {
            return;
        }

        var family = owned.Family == 6 ? "IPv6" : "IPv4";
        var added = 0;
        foreach (var text in owned.Blocks)
        {
            if (IPNetwork.TryParse(text, out var block) && pool.AddBlock(block))
            {
                added++;
                _log.BlockGranted(owned.Space, text, owned.Blocks.Count, family);
                foreach (var router in _routers.GetValueOrDefault(owned.Space) ?? [])
                {
                    router.Tell(new RouteBlock(block));
                }
            }
        }

        if (added > 0 && _needing.Remove(key, out var need))
        {
            var elapsed = Stopwatch.GetElapsedTime(need.Since);
            _metrics?.Cluster.BlockHandedOut(elapsed);
            _log.BlockHandOut(owned.Space, family, elapsed.TotalMilliseconds, added, need.Asks);
        }

        if (owned.Blocks.Count < owned.Want)
        {
            // None to wait for: the next hand-out is timed from the next need.
            _needing.Remove(key);
            // Asked for one more and got none: the pool is exhausted cluster-wide until a node is removed.
            if (_exhausted.Add(key))
            {
                _log.NoBlockLeft(owned.Space, family, owned.Blocks.Count);
            }
        }
        else
        {
            // Granted: the next shortage may ask at once.
            _exhausted.Remove(key);
            _asked.Remove(key);
        }

        OpenWhenReady();
    }

    private void OpenWhenReady()
    {
        if (_up && !_gone && !_admitting && _pools.All(p => new[] { 4, 6 }.All(f =>
                !p.Serves(f == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6) || _answered.Contains((p.LeaseSpace, f)))))
        {
            SetAdmission(true, "this node is Up and holds its first pool blocks");
        }
    }

    // The allocator singleton runs on the oldest member that is Up (or leaving, until it hands over): ClusterSingletonManager's rule.
    private bool AllocatorHere()
    {
        Member? oldest = null;
        foreach (var m in _cluster.State.Members)
        {
            if (m.Status is MemberStatus.Up or MemberStatus.Leaving && (oldest is null || m.IsOlderThan(oldest)))
            {
                oldest = m;
            }
        }

        return oldest is null || oldest.UniqueAddress.Equals(_cluster.SelfUniqueAddress);
    }

    private ClusterView View()
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var members = state.Members
            .Select(m => new ClusterMemberView(m.Address.ToString(), m.Status.ToString(), !unreachable.Contains(m.UniqueAddress), [.. m.Roles.Order(StringComparer.Ordinal)]))
            .ToList();
        var blocks = _pools
            .SelectMany(p => p.Snapshot().Select(b => new OwnedBlock(p.LeaseSpace, b.Prefix.ToString(), b.Size, b.Leased)))
            .ToList();
        return new ClusterView(true, _cluster.SelfAddress.ToString(), state.Leader?.ToString() ?? "", _admitting, members, blocks)
        {
            Load = [.. (_lastLoad?.Nodes ?? []).Select(l => new NodeLoadView(l.Node, l.Held, l.Gateway?.ToString() ?? "", l.Draining))],
            Draining = _lastLoad?.Draining ?? false,
            RedirectTo = _lastLoad?.RedirectTo?.ToString() ?? "",
            RedirectReason = _lastLoad?.Reason ?? "",
        };
    }

    private void SetAdmission(bool open, string reason)
    {
        _admitting = open;
        _dispatcher.Tell(new SetAdmission(open, reason));
    }
}
