using BenchmarkDotNet.Attributes;
using Concentrator.Server.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// What the instruments cost one setup: every measurement the actors make for one IKE SA from its IKE_SA_INIT to
/// its end (dispatcher: handshake, half-open up and down; interface actor: setup, established up and down; IKE SA
/// actor: setup latency; kernel actor: install and remove with their latencies, CHILD SA snapshots). Baseline: the
/// same calls with metrics off (<see cref="Listening"/> false: no listener, the host's default); candidate: with
/// OpenTelemetry's MeterProvider listening and aggregating, as with <c>concentrator.metrics.listen</c> set. The difference, set against the
/// responder's CPU per setup from the load generator, is the overhead of metrics on the setup rate.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's GlobalCleanup disposes them.")]
public class SetupInstrumentsBenchmarks
{
    private static readonly KeyValuePair<string, object?> Connection = new(MetricTags.Connection, "road-warrior");
    private static readonly KeyValuePair<string, object?> Home = new(MetricTags.Interface, "ipsec1");
    private static readonly KeyValuePair<string, object?> Install = new(MetricTags.Command, "install-child");
    private static readonly KeyValuePair<string, object?> Remove = new(MetricTags.Command, "remove-child");
    private ConcentratorMetrics _metrics = null!;
    private MeterProvider? _provider;

    /// <summary>false: no listener (the host's default, metrics off); true: OpenTelemetry's MeterProvider listening.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new ConcentratorMetrics();
        // A pull reader, as the Prometheus exporter is (the SDK enables no instrument without a reader).
        _provider = Listening
            ? Sdk.CreateMeterProviderBuilder().AddMeter(ConcentratorMetrics.MeterName).AddReader(new BaseExportingMetricReader(new NoExporter())).Build()
            : null;
        if (_metrics.Setups.Enabled != Listening)
        {
            throw new InvalidOperationException($"expected the instruments {(Listening ? "listened to" : "without a listener")}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _metrics.Dispose();
    }

    [Benchmark]
    public void OneSetup() => OneSetup(_metrics);

    private static void OneSetup(ConcentratorMetrics m)
    {
        m.HandshakesStarted.Add(1);
        m.HalfOpen.Add(1);
        m.KernelCommands.Add(1, Install, MetricTags.Ok);
        m.KernelCommandDuration.Record(0.0004, Install);
        m.PublishChildSas(1);
        m.Established.Add(1, Home);
        m.SetupDuration.Record(0.012);
        m.HalfOpen.Add(-1);
        m.Setups.Add(1, Connection);
        m.KernelCommands.Add(1, Remove, MetricTags.Ok);
        m.KernelCommandDuration.Record(0.0005, Remove);
        m.PublishChildSas(0);
        m.Established.Add(-1, Home);
    }

    private sealed class NoExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
