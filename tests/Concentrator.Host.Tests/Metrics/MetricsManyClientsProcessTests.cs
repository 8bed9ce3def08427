using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Host.Tests.Management;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Metrics;

/// <summary>N clients against the real process: N setups, N established, N leases, N setup latencies and N
/// CHILD SAs in the scrape, as the management API counts them; and back to 0 established when they all delete.</summary>
public sealed class MetricsManyClientsProcessTests : IAsyncLifetime
{
    private const int Clients = 24;
    private const string Pool = "10.231.40.0/26";

    private MetricsGateway _metrics = null!;

    public async Task InitializeAsync() =>
        _metrics = await MetricsGateway.StartAsync([new TestConnection("many", "*@many.test", Pool)]);

    public async Task DisposeAsync() => await _metrics.DisposeAsync();

    [Fact]
    public async Task Scrape_NClientsConnectedThenDeleted_CountersAreNAndGaugesFollow()
    {
        var clients = Enumerable.Range(1, Clients).Select(i => new UdpInitiator(_metrics.Gateway.Server, $"user{i}@many.test", ManagedGateway.Secret)).ToList();
        try
        {
            // One after the other: all come from 127.0.0.1, and more than a few half-open from one source are asked for
            // a COOKIE (half-open-per-source-cookie-threshold), which this initiator does not return.
            foreach (var client in clients)
            {
                Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
            }

            var stats = await _metrics.Gateway.JsonAsync("stats");
            var pool = (await _metrics.Gateway.JsonAsync("pools")).GetProperty("pools").EnumerateArray().Single();
            var scrape = await _metrics.ScrapeAsync();
            Assert.Equal(Clients, stats.GetProperty("setups").GetInt64());
            Assert.Equal(Clients, scrape.Value("concentrator_ike_sa_setups_total", "connection=many"));
            Assert.Equal(Clients, stats.GetProperty("established").GetInt32());
            Assert.Equal(Clients, scrape.Value("concentrator_ike_sa_established"));
            Assert.Equal(Clients, pool.GetProperty("leased").GetInt32());
            Assert.Equal(Clients, scrape.Value("concentrator_pool_leased", $"pool={Pool}"));
            Assert.Equal(62, scrape.Value("concentrator_pool_size", $"pool={Pool}"));
            Assert.Equal(Clients, scrape.Value("concentrator_ike_sa_setup_duration_seconds_count"));
            Assert.Equal(Clients, scrape.Value("concentrator_child_sa_installed"));
            Assert.Equal(stats.GetProperty("handshakesStarted").GetInt64(), scrape.Value("concentrator_ike_sa_handshakes_total"));

            await Task.WhenAll(clients.Select(c => c.DeleteAsync()));

            await MetricsProcessTests.Eventually(async () => (await _metrics.ScrapeAsync()).Value("concentrator_ike_sa_established") == 0);
            await MetricsProcessTests.Eventually(async () => (await _metrics.ScrapeAsync()).Value("concentrator_child_sa_installed") == 0);
            var after = await _metrics.ScrapeAsync();
            Assert.Equal(Clients, after.Value("concentrator_ike_sa_setups_total"));
            Assert.Equal(0, after.Value("concentrator_ike_sa_dpd_deaths_total"));
            Assert.Equal((await _metrics.Gateway.JsonAsync("stats")).GetProperty("established").GetInt32(), after.Value("concentrator_ike_sa_established"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
