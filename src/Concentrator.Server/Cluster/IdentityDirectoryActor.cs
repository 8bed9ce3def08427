using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Concentrator.Ike.Sa;
using Concentrator.Server.Logging;
using Concentrator.Server.Sa;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Cluster;

/// <summary>
/// The cluster-wide identity → node directory (<c>/user/identity-directory</c>), behind this node's
/// <see cref="IdentityRegistryActor"/>: every identity the registry grants is written to a replicated
/// <see cref="LWWDictionary{TKey,TValue}"/> (identity → "owner|initial-contact|granted-at ms"), cut into
/// <see cref="Shards"/> keys by a hash of the identity so a change carries one shard, not every identity of the cluster.
/// Every node subscribes; when an identity held here shows up granted later on another node, the registry deletes the
/// SA here (a Delete to the client, none after INITIAL_CONTACT) and its lease goes with it.
/// <para>Why DistributedData and not Cluster.Sharding: uniqueness needs no single writer (the newest claim wins, which
/// is exactly last-writer-wins), and a sharded entity per identity would put a cross-node round trip on every setup
/// whose identity's shard lives elsewhere. Writes are <see cref="WriteLocal"/>: the newer SA never waits for the older
/// one (different nodes have different kernels and pool blocks, so their selectors cannot clash), so nothing on the
/// setup path crosses nodes. The price is the consistency window: the older node learns of the claim once the entry
/// reaches its replica (delta propagation, a fifth of <c>akka.cluster.distributed-data.gossip-interval</c>; full
/// gossip every gossip-interval, 2 s by default, as the backstop) and its subscribers are told
/// (<c>notify-subscribers-interval</c>, 500 ms by default): under a second here, 2.5 s when a delta is lost.</para>
/// <para>A node that dies holds no SA any more but its entries would stay: when the cluster removes a member (left,
/// or downed and removed), every node that stays sweeps the entries still naming it (the removes of several nodes
/// agree, and an identity claimed since on another node names that node, so it stays).</para>
/// </summary>
public sealed class IdentityDirectoryActor : ReceiveActor
{
    /// <summary>How many replicated keys the directory is cut into.</summary>
    public const int Shards = 16;

    private static readonly LWWDictionaryKey<string, string>[] Keys =
        [.. Enumerable.Range(0, Shards).Select(i => new LWWDictionaryKey<string, string>($"concentrator-identities-{i}"))];

    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly string _self;
    private readonly ILogger _log = ServerLogging.For<IdentityDirectoryActor>(Context);

    // Per shard, the identities granted here (entry key → when, ms since the epoch) and who to tell when one moves.
    private readonly Dictionary<string, (IkeIdentity Identity, long At, IActorRef Registry)>[] _held =
        [.. Enumerable.Range(0, Shards).Select(_ => new Dictionary<string, (IkeIdentity, long, IActorRef)>(StringComparer.Ordinal))];

    // Per shard, the entries as this node's replica last told (the count of a sweep's log line).
    private readonly LWWDictionary<string, string>[] _seen = [.. Enumerable.Range(0, Shards).Select(_ => LWWDictionary<string, string>.Empty)];

    private readonly Metrics.ClusterTraffic? _traffic;

    /// <param name="traffic">Counts the directory's writes (local; gossip carries them).</param>
    public IdentityDirectoryActor(Metrics.ClusterTraffic? traffic = null)
    {
        _traffic = traffic;
        _self = BlockOwner.Of(_cluster.SelfUniqueAddress);
        Receive<IdentityHeldHere>(OnHeld);
        Receive<IdentityLeftHere>(OnLeft);
        Receive<Changed>(OnChanged);
        Receive<ClusterEvent.MemberRemoved>(r => Sweep(r.Member.UniqueAddress));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<UpdateSuccess>(_ => { });
        Receive<ModifyFailure>(f => _log.DirectoryFailed("an update", f.ErrorMessage));
        Receive<StoreFailure>(f => _log.DirectoryFailed("an update", f.ToString() ?? ""));
    }

    public static Props Props(Metrics.ClusterTraffic? traffic = null) => Akka.Actor.Props.Create(() => new IdentityDirectoryActor(traffic));

    protected override void PreStart()
    {
        foreach (var key in Keys)
        {
            _replicator.Tell(Dsl.Subscribe(key, Self));
        }

        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>The entries of <paramref name="entries"/> whose owner is <paramref name="owner"/>, removed by
    /// <paramref name="self"/>; every other entry kept.</summary>
    public static LWWDictionary<string, string> WithoutOwner(LWWDictionary<string, string> entries, UniqueAddress self, string owner)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var prefix = owner + "|";
        var swept = entries;
        foreach (var (key, value) in entries.Entries)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                swept = swept.Remove(self, key);
            }
        }

        return swept;
    }

    // A removed member holds nothing: its entries go from every shard (WriteLocal, as every write here).
    private void Sweep(UniqueAddress removed)
    {
        if (removed.Equals(_cluster.SelfUniqueAddress))
        {
            return;
        }

        var owner = BlockOwner.Of(removed);
        var prefix = owner + "|";
        var self = _cluster.SelfUniqueAddress;
        var count = 0;
        _traffic?.Wrote(Metrics.ReplicatedWriteKind.IdentitySweep);
        for (var shard = 0; shard < Shards; shard++)
        {
            count += _seen[shard].Entries.Count(e => e.Value.StartsWith(prefix, StringComparison.Ordinal));
            _replicator.Tell(Dsl.Update(Keys[shard], LWWDictionary<string, string>.Empty, WriteLocal.Instance, d => WithoutOwner(d, self, owner)));
        }

        _log.DirectorySwept(owner, count);
    }

    /// <summary>The directory's key of an identity: its ID type and data, in hex.</summary>
    public static string EntryKey(IkeIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return $"{(int)identity.Type}:{Convert.ToHexString(identity.Data.Span)}";
    }

    /// <summary>The shard of an entry key (FNV-1a of its text: stable across processes, unlike string.GetHashCode).</summary>
    public static int ShardOf(string entryKey)
    {
        ArgumentNullException.ThrowIfNull(entryKey);
        var hash = 2166136261u;
        foreach (var c in entryKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Shards);
    }

    /// <summary>An entry's value: "owner|1 or 0 (INITIAL_CONTACT)|granted at, ms since the epoch".</summary>
    public static string EntryValue(string owner, bool initialContact, long at) =>
        string.Create(CultureInfo.InvariantCulture, $"{owner}|{(initialContact ? 1 : 0)}|{at}");

    /// <summary>Reads an entry's value; false for one this version does not understand.</summary>
    public static bool TryParseValue(string value, out string owner, out bool initialContact, out long at)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split('|');
        owner = parts[0];
        initialContact = parts.Length == 3 && parts[1] == "1";
        at = 0;
        return parts.Length == 3 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out at);
    }

    private void OnHeld(IdentityHeldHere held)
    {
        var key = EntryKey(held.Identity);
        var shard = ShardOf(key);
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _held[shard][key] = (held.Identity, at, Sender);
        var value = EntryValue(_self, held.InitialContact, at);
        var self = _cluster.SelfUniqueAddress;
        _traffic?.Wrote(Metrics.ReplicatedWriteKind.IdentityClaim);
        _replicator.Tell(Dsl.Update(Keys[shard], LWWDictionary<string, string>.Empty, WriteLocal.Instance, d => d.SetItem(self, key, value)));
    }

    private void OnLeft(IdentityLeftHere left)
    {
        var key = EntryKey(left.Identity);
        var shard = ShardOf(key);
        if (!_held[shard].Remove(key))
        {
            return;
        }

        // Only an entry that still names this node goes: a later claim elsewhere stays.
        var self = _cluster.SelfUniqueAddress;
        var owner = _self + "|";
        _traffic?.Wrote(Metrics.ReplicatedWriteKind.IdentityRelease);
        _replicator.Tell(Dsl.Update(Keys[shard], LWWDictionary<string, string>.Empty, WriteLocal.Instance,
            d => d.TryGetValue(key, out var value) && value.StartsWith(owner, StringComparison.Ordinal) ? d.Remove(self, key) : d));
    }

    private void OnChanged(Changed changed)
    {
        var shard = Array.FindIndex(Keys, k => k.Equals(changed.Key));
        if (shard < 0)
        {
            return;
        }

        var entries = changed.Get(Keys[shard]);
        _seen[shard] = entries;
        if (_held[shard].Count == 0)
        {
            return;
        }

        List<string>? moved = null;
        foreach (var (key, (identity, at, registry)) in _held[shard])
        {
            // Granted on another node after it was granted here: the newest SA of an identity wins, cluster-wide.
            if (entries.TryGetValue(key, out var value) && TryParseValue(value, out var owner, out var initialContact, out var thereAt)
                && owner != _self && thereAt >= at)
            {
                registry.Tell(new IdentityClaimedElsewhere(identity, NodeName(owner), initialContact));
                (moved ??= []).Add(key);
            }
        }

        foreach (var key in moved ?? [])
        {
            _held[shard].Remove(key);
        }
    }

    // "akka.tcp://concentrator@192.0.2.12:4053#123" → "akka.tcp://concentrator@192.0.2.12:4053".
    private static string NodeName(string owner) => owner.LastIndexOf('#') is var hash and > 0 ? owner[..hash] : owner;
}
