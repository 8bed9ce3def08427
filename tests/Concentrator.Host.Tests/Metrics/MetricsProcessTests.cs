using System.Text.Json;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Host.Tests.Management;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Metrics;

/// <summary>Issue 14, metrics: the real process with clients of our initiator over UDP, scraped over HTTP in the
/// Prometheus text format; every figure is compared with what the management API says of the same moment.</summary>
public sealed class MetricsProcessTests : IAsyncLifetime
{
    private MetricsGateway _metrics = null!;

    private ManagedGateway Gateway => _metrics.Gateway;

    public async Task InitializeAsync() => _metrics = await MetricsGateway.StartAsync();

    public async Task DisposeAsync() => await _metrics.DisposeAsync();

    [Fact]
    public async Task Scrape_TwoSetupsAndOneFailure_CountersMatchTheApi()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        using var carol = await ConnectAsync("carol@partners.test");
        using var mallory = new UdpInitiator(Gateway.Server, "mallory@sales.test", "a-wrong-secret-0123456789");
        Assert.Equal(IkeSaState.Failed, await mallory.ConnectAsync());
        await Eventually(async () => (await Gateway.JsonAsync("stats")).GetProperty("failures").EnumerateObject().Any());

        var stats = await Gateway.JsonAsync("stats");
        var pools = (await Gateway.JsonAsync("pools")).GetProperty("pools").EnumerateArray().ToDictionary(p => p.GetProperty("prefix").GetString()!, p => p);
        var scrape = await _metrics.ScrapeAsync();

        Assert.Equal(2, stats.GetProperty("setups").GetInt64());
        Assert.Equal(stats.GetProperty("setups").GetInt64(), scrape.Value("concentrator_ike_sa_setups_total"));
        Assert.Equal(1, scrape.Value("concentrator_ike_sa_setups_total", "connection=sales"));
        Assert.Equal(1, scrape.Value("concentrator_ike_sa_setups_total", "connection=partners"));
        Assert.Equal(stats.GetProperty("established").GetInt32(), scrape.Value("concentrator_ike_sa_established", "interface=policy-based"));
        Assert.Equal(stats.GetProperty("handshakesStarted").GetInt64(), scrape.Value("concentrator_ike_sa_handshakes_total"));
        Assert.Equal(stats.GetProperty("halfOpen").GetInt32(), scrape.Value("concentrator_ike_sa_half_open"));
        Assert.Equal(stats.GetProperty("failures").GetProperty("AuthenticationFailed").GetInt64(),
            scrape.Value("concentrator_ike_sa_failures_total", "cause=AuthenticationFailed"));
        Assert.Equal(stats.GetProperty("cookiesSent").GetInt64(), scrape.Value("concentrator_ike_cookies_sent_total"));
        foreach (var reason in stats.GetProperty("drops").EnumerateObject())
        {
            Assert.Equal(reason.Value.GetInt64(), scrape.Value("concentrator_datagram_drops_total", $"reason={reason.Name}"));
        }

        foreach (var (prefix, pool) in pools)
        {
            Assert.Equal(pool.GetProperty("leased").GetInt32(), scrape.Value("concentrator_pool_leased", $"pool={prefix}"));
            Assert.Equal(pool.GetProperty("size").GetInt64(), scrape.Value("concentrator_pool_size", $"pool={prefix}"));
        }

        Assert.Equal(1, scrape.Value("concentrator_pool_leased", $"pool={ManagedGateway.SalesPool}"));
        // The latency of both setups, in seconds, and their CHILD SAs in the (userspace) kernel.
        Assert.Equal(2, scrape.Value("concentrator_ike_sa_setup_duration_seconds_count"));
        Assert.Equal(2, scrape.Value("concentrator_ike_sa_setup_duration_seconds_bucket", "le=+Inf"));
        Assert.InRange(scrape.Value("concentrator_ike_sa_setup_duration_seconds_sum"), 1e-6, 120);
        Assert.Equal(2, scrape.Value("concentrator_child_sa_installed"));
        Assert.Equal(2, scrape.Value("concentrator_kernel_commands_total", "command=install-child", "outcome=ok"));
        Assert.True(scrape.Has("concentrator_kernel_command_duration_seconds_bucket"), scrape.Text);
        Assert.True(scrape.Has("concentrator_dataplane_drops_total"), scrape.Text);
        Assert.Equal(stats.GetProperty("ikeRekeys").GetInt64(), scrape.Value("concentrator_rekeys_total", "kind=ike"));
        Assert.Equal(stats.GetProperty("childRekeys").GetInt64(), scrape.Value("concentrator_rekeys_total", "kind=child"));
        Assert.Equal(stats.GetProperty("deadPeers").GetInt64(), scrape.Value("concentrator_ike_sa_dpd_deaths_total"));
        Assert.Contains("peers dead (DPD)", (await Gateway.CliAsync("stats")).Succeeded().Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_ClientTerminated_EstablishedAndLeasedFallBackWhileSetupsStay()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        Assert.Equal(1, (await _metrics.ScrapeAsync()).Value("concentrator_ike_sa_established"));

        var delete = alice.AnswerRequestAsync(TimeSpan.FromSeconds(15));
        (await Gateway.CliAsync("terminate", "--identity", "alice@sales.test")).Succeeded();
        Assert.Equal(IkeSaState.Deleted, await delete);

        await Eventually(async () => (await _metrics.ScrapeAsync()).Value("concentrator_ike_sa_established") == 0);
        await Eventually(async () => (await _metrics.ScrapeAsync()).Value("concentrator_pool_leased", $"pool={ManagedGateway.SalesPool}") == 0);
        var scrape = await _metrics.ScrapeAsync();
        Assert.Equal(1, scrape.Value("concentrator_ike_sa_setups_total"));
        Assert.Equal(0, scrape.Value("concentrator_child_sa_installed"));
        Assert.Equal(0, scrape.Value("concentrator_ike_sa_dpd_deaths_total"));
        Assert.Equal((await Gateway.JsonAsync("stats")).GetProperty("established").GetInt32(), scrape.Value("concentrator_ike_sa_established"));
    }

    [Fact]
    public async Task Metrics_HelpAndTypeLines_FollowPrometheusConventions()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        var text = (await _metrics.ScrapeAsync()).Text;

        Assert.Contains("# TYPE concentrator_ike_sa_setups_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE concentrator_ike_sa_established gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE concentrator_ike_sa_setup_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# HELP concentrator_ike_sa_setups_total IKE SAs established", text, StringComparison.Ordinal);
        // The node's revocation cache is observed from the start: its verdicts show at 0 before any certificate came.
        Assert.Contains("# TYPE concentrator_revocation_verdicts_total counter", text, StringComparison.Ordinal);
        Assert.Contains("concentrator_revocation_verdicts_total{verdict=\"revoked\"} 0", text, StringComparison.Ordinal);
    }

    private async Task<UdpInitiator> ConnectAsync(string identity)
    {
        var client = new UdpInitiator(Gateway.Server, identity, ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        return client;
    }

    internal static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
