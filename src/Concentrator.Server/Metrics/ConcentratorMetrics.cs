using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Server.Revocation;

namespace Concentrator.Server.Metrics;

/// <summary>
/// The node's System.Diagnostics.Metrics instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (one
/// per node, disposed with it). Counters and up/down counters are changed only by the actors that own the facts, at
/// the place they update their own state (the dispatcher: handshakes, half-open, failures; the interface actors:
/// setups, established IKE SAs; the IKE SA actors: setup latency, rekeys, dead peers; the kernel actor: commands
/// and CHILD SAs); the observable instruments (<see cref="NodeObservations"/>) read counters their owners already
/// keep for the management API (drops, pools, the netlink writers, the userspace dataplane). Names follow
/// OpenTelemetry's conventions and become Prometheus names through the exporter: dots to underscores, the unit
/// as a suffix (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>; <c>{…}</c> annotations add none), and
/// <c>_total</c> on counters. Recording is allocation-free: every tag value is a string the caller already holds.
/// </summary>
public sealed class ConcentratorMetrics : IDisposable
{
    public const string MeterName = "Concentrator";

    /// <summary>Setup latency buckets (seconds): a PSK setup on loopback takes milliseconds, one through EAP-RADIUS
    /// or a slow kernel seconds; the tail up to the IKE_AUTH limits.</summary>
    private static readonly double[] SetupBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Kernel command buckets (seconds): a netlink batch is answered in microseconds to milliseconds.</summary>
    private static readonly double[] KernelBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

    private int _childSas;
    private IReadOnlyList<KeyValuePair<string, int>> _clusterLoad = [];
    private long _deadPeers;
    private long _ikeRekeys;
    private long _childRekeys;
    private long _initiations;
    private readonly ConcurrentDictionary<string, long> _initiationFailures = new(StringComparer.Ordinal);
    private RevocationCache? _revocation;

    public ConcentratorMetrics()
    {
        Meter = new Meter(MeterName);
        Cluster = new ClusterTraffic(Meter);
        HandshakesStarted = Meter.CreateCounter<long>("concentrator.ike_sa.handshakes", "{handshake}",
            "IKE_SA_INIT requests admitted (an IKE SA actor created for each)");
        Setups = Meter.CreateCounter<long>("concentrator.ike_sa.setups", "{setup}",
            "IKE SAs established, by connection");
        Failures = Meter.CreateCounter<long>("concentrator.ike_sa.failures", "{failure}",
            "Handshakes that ended without an IKE SA, by cause (the Notify sent or received, or Timeout)");
        SetupDuration = Meter.CreateHistogram<double>("concentrator.ike_sa.setup.duration", "s",
            "Time from the first IKE_SA_INIT request to the established IKE SA (CHILD SA installed)",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SetupBuckets });
        Established = Meter.CreateUpDownCounter<long>("concentrator.ike_sa.established", "{sa}",
            "Established IKE SAs now, by the interface actor they live under");
        HalfOpen = Meter.CreateUpDownCounter<long>("concentrator.ike_sa.half_open", "{sa}",
            "Half-open IKE SAs now (admitted, not yet established)");
        // One count each, read by the scrape and by the management API's stats alike.
        Meter.CreateObservableCounter("concentrator.ike_sa.dpd_deaths", () => DeadPeerCount, "{sa}",
            "Established IKE SAs removed because the peer stopped answering (liveness check or retransmissions, RFC 7296 2.4)");
        Meter.CreateObservableCounter("concentrator.rekeys", () => new Measurement<long>[]
        {
            new(IkeRekeyCount, MetricTags.IkeRekey),
            new(ChildRekeyCount, MetricTags.ChildRekey),
        }, "{rekey}", "Rekeys completed, by kind (ike: a new IKE SA took over; child: a new CHILD SA took over the policies)");
        Initiations = Meter.CreateCounter<long>("concentrator.initiator.attempts", "{attempt}",
            "Initiations the gateway started (start-action, trap, close-action, dpd-action), by connection");
        InitiationFailures = Meter.CreateCounter<long>("concentrator.initiator.failures", "{failure}",
            "Initiations that ended without an IKE SA, by cause (the Notify received or sent, Timeout, resolve, no-route, spawn)");
        KernelCommands = Meter.CreateCounter<long>("concentrator.kernel.commands", "{command}",
            "Commands the kernel actor ran, by command and outcome (ok, failed)");
        KernelCommandDuration = Meter.CreateHistogram<double>("concentrator.kernel.command.duration", "s",
            "Time from the kernel actor starting a command to its answer, by command",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = KernelBuckets });
        RevocationFetches = Meter.CreateCounter<long>("concentrator.revocation.fetches", "{fetch}",
            "Revocation fetches the node's fetcher ran, by kind (crl, ocsp) and outcome (ok, failed, too_large, timeout, refused: an answer that did not verify)");
        Meter.CreateObservableCounter("concentrator.revocation.verdicts", ObserveVerdicts, "{chain}",
            "Certificate chains whose revocation check ended, by verdict (good: every certificate good; revoked; unknown: stale, failed or missing " +
            "information for some certificate, whether or not the policy let the peer in; none: nothing to ask for any certificate)");
        // Prometheus wants counters visible from the start, at 0, not only after their first event (the exporter shows
        // a series once it has a measurement): the ones whose labels are known now start here, the others where
        // their label values are known (connections, interfaces).
        HandshakesStarted.Add(0);
        HalfOpen.Add(0);
        Meter.CreateObservableGauge("concentrator.child_sa.installed", () => (long)Volatile.Read(ref _childSas), "{sa}",
            "CHILD SAs in the kernel now (one per reqid; a rekey's old and new SA count once)");
        Meter.CreateObservableGauge("concentrator.cluster.node.ike_sas", () => Volatile.Read(ref _clusterLoad)
            .Select(l => new Measurement<long>(l.Value, new KeyValuePair<string, object?>("node", l.Key))), "{sa}",
            "IKE SAs each cluster member holds, by member address, as gossiped (about a second old; none on a single node)");
    }

    public Meter Meter { get; }

    /// <summary>What this node sends to other cluster members, and its block hand-out latency.</summary>
    public ClusterTraffic Cluster { get; }

    /// <summary>The cluster's load as this node last learnt it (member address → IKE SAs held), for
    /// <c>concentrator.cluster.node.ike_sas</c>.</summary>
    public void SetClusterLoad(IEnumerable<KeyValuePair<string, int>> load) => Volatile.Write(ref _clusterLoad, [.. load]);

    public Counter<long> HandshakesStarted { get; }

    public Counter<long> Setups { get; }

    public Counter<long> Failures { get; }

    public Histogram<double> SetupDuration { get; }

    public UpDownCounter<long> Established { get; }

    public UpDownCounter<long> HalfOpen { get; }

    /// <summary>Established IKE SAs whose peer stopped answering, since start.</summary>
    public long DeadPeerCount => Interlocked.Read(ref _deadPeers);

    /// <summary>IKE SA rekeys completed (the old SA retired), since start.</summary>
    public long IkeRekeyCount => Interlocked.Read(ref _ikeRekeys);

    /// <summary>CHILD SA rekeys completed (the new states installed), since start.</summary>
    public long ChildRekeyCount => Interlocked.Read(ref _childRekeys);

    /// <summary>Told by the IKE SA actor whose established SA ended because the peer stopped answering.</summary>
    public void DeadPeer() => Interlocked.Increment(ref _deadPeers);

    /// <summary>Told by the IKE SA actor whose old IKE SA retired after a rekey.</summary>
    public void IkeRekeyed() => Interlocked.Increment(ref _ikeRekeys);

    /// <summary>Told by the kernel actor when a rekeyed CHILD SA's states are in.</summary>
    public void ChildRekeyed() => Interlocked.Increment(ref _childRekeys);

    /// <summary>Initiations started, by connection; record through <see cref="InitiationStarted"/>.</summary>
    public Counter<long> Initiations { get; }

    /// <summary>Initiations that ended without an IKE SA, by cause; record through <see cref="InitiationFailed"/>.</summary>
    public Counter<long> InitiationFailures { get; }

    /// <summary>Initiations started since start (the management API's stats).</summary>
    public long InitiationCount => Interlocked.Read(ref _initiations);

    /// <summary>Initiations failed since start, by cause (a snapshot).</summary>
    public IReadOnlyDictionary<string, long> InitiationFailureCounts =>
        new SortedDictionary<string, long>(_initiationFailures, StringComparer.Ordinal);

    /// <summary>Told by a connection's initiator when it starts an attempt (before the peer's name is resolved).</summary>
    public void InitiationStarted(string connection)
    {
        Interlocked.Increment(ref _initiations);
        Initiations.Add(1, new KeyValuePair<string, object?>(MetricTags.Connection, connection));
    }

    /// <summary>Told by a connection's initiator when an attempt ended without an IKE SA.</summary>
    public void InitiationFailed(string cause)
    {
        _initiationFailures.AddOrUpdate(cause, 1, (_, n) => n + 1);
        InitiationFailures.Add(1, new KeyValuePair<string, object?>(MetricTags.Cause, cause));
    }

    /// <summary>Fetches by kind and outcome; record through <see cref="RevocationFetched"/>.</summary>
    public Counter<long> RevocationFetches { get; }

    /// <summary>Told by the revocation fetcher when a fetch ended.</summary>
    public void RevocationFetched(RevocationSource kind, FetchOutcome outcome) =>
        RevocationFetches.Add(1, kind == RevocationSource.Ocsp ? MetricTags.Ocsp : MetricTags.Crl, MetricTags.FetchOutcomes[(int)outcome]);

    /// <summary>The node's revocation cache, whose verdict counts <c>concentrator.revocation.verdicts</c> reports.</summary>
    public void ObserveRevocation(RevocationCache cache) => Volatile.Write(ref _revocation, cache);

    private IEnumerable<Measurement<long>> ObserveVerdicts()
    {
        if (Volatile.Read(ref _revocation) is not { } cache)
        {
            return [];
        }

        return Enum.GetValues<RevocationVerdict>().Select(v => new Measurement<long>(cache.VerdictCount(v), MetricTags.Verdicts[(int)v]));
    }

    public Counter<long> KernelCommands { get; }

    public Histogram<double> KernelCommandDuration { get; }

    /// <summary>The kernel actor's count of installed CHILD SAs, published after each change.</summary>
    public void PublishChildSas(int count) => Volatile.Write(ref _childSas, count);

    public void Dispose() => Meter.Dispose();
}
