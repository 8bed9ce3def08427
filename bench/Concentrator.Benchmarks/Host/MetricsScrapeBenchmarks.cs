using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Concentrator.Benchmarks.Server;
using Concentrator.Ike.Sa;
using Concentrator.Server.Metrics;
using Concentrator.Server.Network;
using Concentrator.Server.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Concentrator.Benchmarks.Host;

/// <summary>
/// A Prometheus scrape (<c>GET /metrics</c> over loopback HTTP, the host's exporter configuration) of a node's
/// instruments after <see cref="Sas"/> setups: every setup counted and timed, <see cref="Sas"/> IKE SAs established,
/// <see cref="Sas"/> addresses leased from a /14 pool. Baseline: the same scrape at 0 SAs, in the same run. The series
/// are per connection, interface, pool and cause, never per SA, so the ratio says whether a scrape grows with the SAs.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's GlobalCleanup disposes them.")]
public class MetricsScrapeBenchmarks
{
    private ConcentratorMetrics _metrics = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    [Params(0, 100_000)]
    public int Sas { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ConcentratorMetrics.MeterName).AddPrometheusExporter(o =>
        {
            o.ScrapeResponseCacheDurationMilliseconds = 0;
            o.ScopeInfoEnabled = false;
            o.TargetInfoEnabled = false;
        }));
        _app = builder.Build();
        _app.MapPrometheusScrapingEndpoint();
        _app.StartAsync().GetAwaiter().GetResult();
        _ = _app.Services.GetRequiredService<MeterProvider>();

        _metrics = new ConcentratorMetrics();
        var pool = new PoolAllocator([IPNetwork.Parse("10.64.0.0/14")]);
        NodeObservations.Register(_metrics, new DatagramDrops(), () => [pool], () => [], new InMemoryKernelIpsec());
        var connection = new KeyValuePair<string, object?>(MetricTags.Connection, "road-warrior");
        var home = new KeyValuePair<string, object?>(MetricTags.Interface, "ipsec1");
        for (var i = 0; i < Sas; i++)
        {
            pool.Allocate(IkeIdentity.Parse($"user{i}@example.net"), AddressFamily.InterNetwork, null, (ulong)i + 1, reclaim: false);
            _metrics.HandshakesStarted.Add(1);
            _metrics.Setups.Add(1, connection);
            _metrics.SetupDuration.Record(0.004 + (i % 100) / 1000.0);
            _metrics.Established.Add(1, home);
            _metrics.KernelCommands.Add(1, new(MetricTags.Command, "install-child"), MetricTags.Ok);
        }

        _metrics.PublishChildSas(Sas);
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        Console.WriteLine($"// scrape at {Sas} SAs: {Scrape().GetAwaiter().GetResult()} bytes");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _app.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _metrics.Dispose();
    }

    [Benchmark]
    public async Task<int> Scrape() => (await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Length;
}
