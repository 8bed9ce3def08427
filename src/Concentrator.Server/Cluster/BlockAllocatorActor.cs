using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Concentrator.Server.Logging;
using Concentrator.Server.Metrics;
using Microsoft.Extensions.Logging;

// The allocator's lines are written once per start, removal or failed majority: not worth an IsEnabled check each.
#pragma warning disable CA1873

namespace Concentrator.Server.Cluster;

/// <summary>
/// The pool block allocator, a cluster singleton (ClusterSingletonManager runs it on the oldest node and hands it over
/// when that node leaves). Why a singleton and not DistributedData alone: two nodes writing "block 7 is mine" to a
/// CRDT at the same time both succeed and one loses only at the merge, after both leased from it; the singleton decides
/// one request at a time, so a block has one owner by construction. Its decisions are kept in DistributedData with
/// WriteMajority before a node hears of them, and a new singleton reads them with ReadMajority before answering anyone
/// (Akka's own ShardCoordinator keeps its state the same way): any majority it can read overlaps the majority the last
/// one wrote. A node's blocks return only when the cluster removes the node (MemberRemoved: after a graceful leave, or
/// once the split-brain resolver downed it and the rest converged), never on mere unreachability.
/// </summary>
public sealed class BlockAllocatorActor : ReceiveActor, IWithStash, IWithTimers
{
    /// <summary>The replicated ownership: "BLOCK SPACE" → owner.</summary>
    public static readonly LWWDictionaryKey<string, string> Key = new("concentrator-pool-blocks");

    private readonly BlockTable _table;
    private readonly TimeSpan _timeout;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator;
    private readonly ILogger _log = ServerLogging.For<BlockAllocatorActor>(Context);
    private readonly ClusterTraffic? _traffic;
    // Per requester (pool, family, owner) whose majority write runs now: who else asked meanwhile. A re-ask joins the
    // running write instead of starting another (each would write all the requester's blocks again, and under load they
    // pile up behind each other); it is answered when that write completes, or asked again with one write if it failed.
    private readonly Dictionary<(string Space, int Family, string Owner), InFlight> _inFlight = [];

    public BlockAllocatorActor(IReadOnlyList<PoolLayout> layouts, TimeSpan timeout, ClusterTraffic? traffic = null, IActorRef? replicator = null)
    {
        _table = new BlockTable(layouts);
        _timeout = timeout;
        _traffic = traffic;
        _replicator = replicator ?? DistributedData.Get(Context.System).Replicator;
        Loading();
    }

    /// <summary>A requester's running write: the answer it will give, and the asks to answer with it.</summary>
    private sealed class InFlight(BlocksOwned answer)
    {
        public BlocksOwned Answer { get; } = answer;

        public List<IActorRef> Waiting { get; } = [];

        /// <summary>The latest ask that came while the write ran (null: none).</summary>
        public RequestBlocks? ReAsked { get; set; }
    }

    /// <summary>The Update's context: whose write it is.</summary>
    private sealed record WriteFor((string Space, int Family, string Owner) Requester);

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="traffic">Counts what this allocator sends to other members (majority round trips, answers).</param>
    /// <param name="replicator">The DistributedData replicator (null: this system's); tests pass a probe.</param>
    public static Props Props(IReadOnlyList<PoolLayout> layouts, TimeSpan timeout, ClusterTraffic? traffic = null, IActorRef? replicator = null) =>
        Akka.Actor.Props.Create(() => new BlockAllocatorActor(layouts, timeout, traffic, replicator));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        Read();
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Read()
    {
        CountMajority(ClusterMessageKind.BlockOwnersRead);
        _replicator.Tell(Dsl.Get(Key, new ReadMajority(_timeout)));
    }

    // A majority read or write is a round trip to other members when there are any (alone, the replica is the majority).
    private void CountMajority(ClusterMessageKind kind)
    {
        if (_cluster.State.Members.Count > 1)
        {
            _traffic?.Sent(kind);
        }
    }

    private void Answer(IActorRef requester, BlocksOwned answer)
    {
        requester.Tell(answer);
        if (!requester.Path.Address.HasLocalScope)
        {
            _traffic?.Sent(ClusterMessageKind.BlockHandOut);
        }
    }

    private sealed record RetryRead
    {
        public static RetryRead Instance { get; } = new();
    }

    // Until the replicated state is read, requests and removals wait (stashed).
    private void Loading()
    {
        Receive<GetSuccess>(g => Loaded(g.Get(Key)));
        Receive<NotFound>(_ => Loaded(LWWDictionary<string, string>.Empty));
        Receive<GetFailure>(_ =>
        {
            _log.MajorityFailed("reading the block owners", "ReadMajority timed out");
            Timers.StartSingleTimer(nameof(RetryRead), RetryRead.Instance, TimeSpan.FromSeconds(1));
        });
        Receive<RetryRead>(_ => Read());
        ReceiveAny(_ => Stash.Stash());
    }

    private void Loaded(LWWDictionary<string, string> state)
    {
        foreach (var (key, owner) in state.Entries)
        {
            var at = key.IndexOf(' ', StringComparison.Ordinal);
            if (at > 0 && IPNetwork.TryParse(key[..at], out var block))
            {
                _table.Restore(key[(at + 1)..], block, owner);
            }
        }

        // Owners that are no longer members were removed while no allocator ran (or before this one subscribed).
        var members = _cluster.State.Members.Select(m => BlockOwner.Of(m.UniqueAddress)).ToHashSet(StringComparer.Ordinal);
        var departed = _table.Entries.Select(e => e.Owner).Distinct(StringComparer.Ordinal).Where(o => !members.Contains(o)).ToList();
        var read = _table.Entries.Count();
        var owners = _table.Entries.Select(e => e.Owner).Distinct(StringComparer.Ordinal).Count();
        var freed = departed.SelectMany(_table.Release).ToList();
        _log.AllocatorStarted(read, owners, freed.Count);
        Write(freed.Select(f => Entry(f.Space, f.Block)).ToList(), [], null);
        Become(Ready);
        Stash.UnstashAll();
    }

    private void Ready()
    {
        Receive<RequestBlocks>(OnRequest);
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            var owner = BlockOwner.Of(m.Member.UniqueAddress);
            var freed = _table.Release(owner);
            if (freed.Count > 0)
            {
                _log.BlocksFreed(owner, freed.Count);
                Write(freed.Select(f => Entry(f.Space, f.Block)).ToList(), [], null);
            }
        });
        Receive<UpdateSuccess>(u =>
        {
            if (u.Request is WriteFor w && _inFlight.Remove(w.Requester, out var done))
            {
                foreach (var requester in done.Waiting)
                {
                    Answer(requester, done.Answer);
                }

                // Asked for more than this write gave (a block arrived and ran low again meanwhile): decide that now.
                if (done.ReAsked is { } more && more.Want > done.Answer.Want)
                {
                    OnRequest(more, done.Waiting[^1]);
                }
            }
        });
        // Not replicated to a majority in time: the requester is not answered; the block stays its own here (never given
        // to anyone else), and the next write carries it again: at once if it asked again meanwhile, else when it does.
        Receive<UpdateTimeout>(u => WriteFailed(u.Request, "WriteMajority timed out"));
        Receive<ModifyFailure>(u => WriteFailed(u.Request, u.ErrorMessage));
        Receive<StoreFailure>(u => WriteFailed(u.Request, u.ToString() ?? ""));
    }

    private void WriteFailed(object? request, string why)
    {
        _log.MajorityFailed("writing block owners", why);
        if (request is WriteFor w && _inFlight.Remove(w.Requester, out var failed) && failed.ReAsked is { } again)
        {
            OnRequest(again, failed.Waiting[^1]);
        }
    }

    private void OnRequest(RequestBlocks request) => OnRequest(request, Sender);

    private void OnRequest(RequestBlocks request, IActorRef sender)
    {
        var requester = (request.Space, request.Family, request.Owner);
        if (_inFlight.TryGetValue(requester, out var running))
        {
            // A re-ask while this requester's write runs: no second write; answered when the first completes.
            if (!running.Waiting.Contains(sender))
            {
                running.Waiting.Add(sender);
            }

            running.ReAsked = request;
            return;
        }

        var family = request.Family == 6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var owned = _table.OwnedBy(request.Space, family, request.Owner).ToList();
        var granted = new List<IPNetwork>();
        while (owned.Count + granted.Count < request.Want && _table.Grant(request.Space, family, request.Owner) is { } block)
        {
            granted.Add(block);
        }

        var answer = new BlocksOwned(request.Space, request.Family, request.Owner, request.Want,
            // A List, not a collection expression's synthesized type: the answer crosses nodes (JSON with $type).
            owned.Concat(granted).Select(b => b.ToString()).ToList());
        // Every block the requester owns is written again: an earlier write that timed out is repaired by this one.
        var entries = owned.Concat(granted).Select(b => (Entry(request.Space, b), request.Owner)).ToList();
        if (entries.Count == 0)
        {
            // Nothing to write (the pool has no block left and it owns none): answered at once.
            Answer(sender, answer);
            return;
        }

        var inFlight = new InFlight(answer);
        inFlight.Waiting.Add(sender);
        _inFlight[requester] = inFlight;
        Write([], entries, new WriteFor(requester));
    }

    private static string Entry(string space, IPNetwork block) => $"{block} {space}";

    private void Write(IReadOnlyList<string> removed, IReadOnlyList<(string Key, string Owner)> set, WriteFor? reply)
    {
        if (removed.Count == 0 && set.Count == 0)
        {
            return;
        }

        var self = _cluster.SelfUniqueAddress;
        CountMajority(ClusterMessageKind.BlockOwnersWrite);
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, string>.Empty, new WriteMajority(_timeout), reply, d =>
        {
            foreach (var key in removed)
            {
                d = d.Remove(self, key);
            }

            foreach (var (key, owner) in set)
            {
                d = d.SetItem(self, key, owner);
            }

            return d;
        }));
    }
}
