using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Host.Tests.Management;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Metrics;

/// <summary>Issue 14, the status page: the real process with clients, the page loaded and rendered by headless
/// Chromium; the numbers in its DOM are those of the management API, and the screenshot is kept under the test
/// output's TestResults/ for a human to look at.</summary>
public sealed partial class StatusPageChromiumTests : IAsyncLifetime
{
    private MetricsGateway _metrics = null!;

    private ManagedGateway Gateway => _metrics.Gateway;

    public async Task InitializeAsync() => _metrics = await MetricsGateway.StartAsync();

    public async Task DisposeAsync() => await _metrics.DisposeAsync();

    [Fact]
    public async Task StatusPage_InHeadlessChromium_ShowsTheApiNumbersAndIsScreenshot()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        using var carol = await ConnectAsync("carol@partners.test");
        using var bob = await ConnectAsync("bob@sales.test");
        using var mallory = new UdpInitiator(Gateway.Server, "mallory@sales.test", "a-wrong-secret-0123456789");
        Assert.Equal(IkeSaState.Failed, await mallory.ConnectAsync());
        await MetricsProcessTests.Eventually(async () => (await Gateway.JsonAsync("stats")).GetProperty("failures").EnumerateObject().Any());
        // The sampler (every second here) has counted every setup into the history.
        await MetricsProcessTests.Eventually(async () => Number(await _metrics.GetAsync("status"), "rate-total") == 3);

        var dom = await Chromium.DumpDomAsync(new Uri(_metrics.BaseAddress, "status"));
        var stats = await Gateway.JsonAsync("stats");
        var pools = (await Gateway.JsonAsync("pools")).GetProperty("pools").EnumerateArray().ToList();
        var interfaces = (await Gateway.JsonAsync("interfaces")).GetProperty("interfaces").EnumerateArray().ToList();

        Assert.Contains("<title>Concentrator status</title>", dom, StringComparison.Ordinal);
        Assert.Equal(3, Number(dom, "established"));
        Assert.Equal(stats.GetProperty("established").GetInt32(), Number(dom, "established"));
        Assert.Equal(stats.GetProperty("setups").GetInt64(), Number(dom, "setups"));
        Assert.Equal(stats.GetProperty("halfOpen").GetInt32(), Number(dom, "half-open"));
        Assert.Equal(stats.GetProperty("handshakesStarted").GetInt64(), Number(dom, "handshakes"));
        Assert.Equal(stats.GetProperty("failures").EnumerateObject().Sum(f => f.Value.GetInt64()), Number(dom, "failures"));
        Assert.Equal(stats.GetProperty("setups").GetInt64(), Number(dom, "rate-total"));
        Assert.Equal(stats.GetProperty("failures").GetProperty("AuthenticationFailed").GetInt64(), Cell(dom, "data-cause", "AuthenticationFailed", "count"));
        foreach (var pool in pools)
        {
            var prefix = pool.GetProperty("prefix").GetString()!;
            Assert.Equal(pool.GetProperty("leased").GetInt32(), Cell(dom, "data-pool", prefix, "leased"));
            Assert.Equal(pool.GetProperty("size").GetInt64(), Cell(dom, "data-pool", prefix, "size"));
            Assert.Equal(pool.GetProperty("free").GetInt64(), Cell(dom, "data-pool", prefix, "free"));
        }

        // The sales pool (a /30: two addresses) is full: its bar is at 100 %, the partners' at 50 %.
        Assert.Matches(Row("data-pool", ManagedGateway.SalesPool) + @".*?width:\s*100%", dom);
        Assert.Matches(Row("data-pool", ManagedGateway.PartnersPool) + @".*?width:\s*50%", dom);
        foreach (var home in interfaces)
        {
            Assert.Equal(home.GetProperty("sas").GetInt32(), Cell(dom, "data-interface", home.GetProperty("name").GetString()!, "sas"));
        }

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "StatusPage", "status-page.png");
        await Chromium.ScreenshotAsync(new Uri(_metrics.BaseAddress, "status"), screenshot);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 10_000, $"a screenshot of {png.Length} bytes is too small to show the page");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public async Task StatusPage_RootAndStatus_SameServerRenderedPageWithoutScript()
    {
        var root = await _metrics.GetAsync("");
        var status = await _metrics.GetAsync("status");

        Assert.Contains("<h2>Pools</h2>", root, StringComparison.Ordinal);
        Assert.Contains("<h2>Pools</h2>", status, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", status, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, Number(status, "established"));
    }

    private async Task<UdpInitiator> ConnectAsync(string identity)
    {
        var client = new UdpInitiator(Gateway.Server, identity, ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        return client;
    }

    /// <summary>The number in the element with <paramref name="id"/>.</summary>
    private static long Number(string html, string id)
    {
        var m = Regex.Match(html, $"id=\"{Regex.Escape(id)}\"[^>]*>(-?\\d+)<", RegexOptions.None, TimeSpan.FromSeconds(5));
        Assert.True(m.Success, $"no number with id {id} in:\n{html}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The number in the cell of class <paramref name="cell"/> of the row whose <paramref name="attribute"/> is <paramref name="key"/>.</summary>
    private static long Cell(string html, string attribute, string key, string cell)
    {
        var m = Regex.Match(html, Row(attribute, key) + $".*?class=\"[^\"]*\\b{Regex.Escape(cell)}\\b[^\"]*\">(-?\\d+)<", RegexOptions.Singleline, TimeSpan.FromSeconds(5));
        Assert.True(m.Success, $"no {cell} in the row {attribute}={key} of:\n{html}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Row(string attribute, string key) => $"<tr {Regex.Escape(attribute)}=\"{Regex.Escape(key)}\"[^>]*>";
}
