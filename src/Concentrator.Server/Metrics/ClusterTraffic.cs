using System.Diagnostics.Metrics;

namespace Concentrator.Server.Metrics;

/// <summary>What this node's own code sends to other cluster members, by kind (issue 15, Performance). A round trip
/// through Akka's DistributedData with a majority (<c>WriteMajority</c>/<c>ReadMajority</c>) counts once; Akka's own
/// traffic (cluster heartbeats and gossip, the replicator's gossip and delta propagation) is not ours and not counted.</summary>
public enum ClusterMessageKind
{
    /// <summary>A node asks the pool block allocator (the singleton, on another member) for blocks.</summary>
    BlockRequest,

    /// <summary>The allocator answers a requester on another member with the blocks it owns.</summary>
    BlockHandOut,

    /// <summary>The allocator writes block owners with WriteMajority.</summary>
    BlockOwnersWrite,

    /// <summary>A starting allocator reads block owners with ReadMajority.</summary>
    BlockOwnersRead,

    /// <summary>The management API asks another member (SAs, state, terminate).</summary>
    ManagementAsk,
}

/// <summary>Writes this node makes to its own DistributedData replica (<c>WriteLocal</c>): no message of ours crosses
/// nodes and nothing waits; Akka's replicator gossip carries them to the others.</summary>
public enum ReplicatedWriteKind
{
    /// <summary>An identity established here, in the identity directory.</summary>
    IdentityClaim,

    /// <summary>An identity whose SA ended here, out of the directory.</summary>
    IdentityRelease,

    /// <summary>A removed member's directory entries swept (every shard).</summary>
    IdentitySweep,

    /// <summary>This node's held SAs and drain state, for redirects.</summary>
    Load,
}

/// <summary>
/// The cluster's traffic instruments on the node's meter: <c>concentrator.cluster.messages</c> (by <c>kind</c>, see
/// <see cref="ClusterMessageKind"/>), <c>concentrator.cluster.replicated_writes</c> (by <c>kind</c>, see
/// <see cref="ReplicatedWriteKind"/>) and <c>concentrator.cluster.block.hand_out.duration</c> (from "this node needs a
/// block" to "the block is this node's": the allocator's decision, its majority write and the answer). Counts are also
/// kept here for <c>concentrator stats</c>. Every method is thread-safe and allocation-free.
/// </summary>
public sealed class ClusterTraffic
{
    /// <summary>Hand-out buckets (seconds): a majority write on a LAN takes milliseconds; a retried request seconds.</summary>
    private static readonly double[] HandOutBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly string[] MessageNames = ["block_request", "block_hand_out", "block_owners_write_majority", "block_owners_read_majority", "management_ask"];
    private static readonly string[] WriteNames = ["identity_claim", "identity_release", "identity_sweep", "load"];
    private static readonly KeyValuePair<string, object?>[] MessageTags = [.. MessageNames.Select(n => new KeyValuePair<string, object?>(MetricTags.Kind, n))];
    private static readonly KeyValuePair<string, object?>[] WriteTags = [.. WriteNames.Select(n => new KeyValuePair<string, object?>(MetricTags.Kind, n))];

    private readonly long[] _messages = new long[MessageNames.Length];
    private readonly long[] _writes = new long[WriteNames.Length];
    private readonly Counter<long> _messageCounter;
    private readonly Counter<long> _writeCounter;
    private readonly Histogram<double> _handOut;

    public ClusterTraffic(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _messageCounter = meter.CreateCounter<long>("concentrator.cluster.messages", "{message}",
            "Messages this node's code sent to other cluster members, by kind (block_request, block_hand_out, " +
            "block_owners_write_majority, block_owners_read_majority: one per majority round trip, management_ask); Akka's own gossip not counted");
        _writeCounter = meter.CreateCounter<long>("concentrator.cluster.replicated_writes", "{write}",
            "Writes to this node's DistributedData replica (WriteLocal: nothing crosses nodes until Akka's gossip carries them), by kind");
        _handOut = meter.CreateHistogram<double>("concentrator.cluster.block.hand_out.duration", "s",
            "Time from this node needing a pool block to owning it (the allocator's decision replicated to a majority)",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HandOutBuckets });
    }

    /// <summary>A message of <paramref name="kind"/> sent to another member.</summary>
    public void Sent(ClusterMessageKind kind)
    {
        Interlocked.Increment(ref _messages[(int)kind]);
        _messageCounter.Add(1, MessageTags[(int)kind]);
    }

    /// <summary>A write of <paramref name="kind"/> to this node's replica.</summary>
    public void Wrote(ReplicatedWriteKind kind)
    {
        Interlocked.Increment(ref _writes[(int)kind]);
        _writeCounter.Add(1, WriteTags[(int)kind]);
    }

    /// <summary>A block this node needed is its own, <paramref name="elapsed"/> after it first asked.</summary>
    public void BlockHandedOut(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _handOuts);
        _handOut.Record(elapsed.TotalSeconds);
    }

    private long _handOuts;

    /// <summary>Block hand-outs to this node since start.</summary>
    public long HandOuts => Interlocked.Read(ref _handOuts);

    /// <summary>Messages sent to other members since start, by kind (every kind, 0 included).</summary>
    public IReadOnlyDictionary<string, long> Messages => Snapshot(MessageNames, _messages);

    /// <summary>Writes to this node's replica since start, by kind.</summary>
    public IReadOnlyDictionary<string, long> ReplicatedWrites => Snapshot(WriteNames, _writes);

    private static Dictionary<string, long> Snapshot(string[] names, long[] counts) =>
        names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => Interlocked.Read(ref counts[x.i]), StringComparer.Ordinal);
}
