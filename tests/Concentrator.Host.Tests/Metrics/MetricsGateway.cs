using System.Text.Json;
using Concentrator.Host.Tests.Management;

namespace Concentrator.Host.Tests.Metrics;

/// <summary>The management tests' gateway (a real <c>concentrator run</c>, two connections, the CLI) with the metrics
/// listener on a free loopback port; <see cref="BaseAddress"/> is where the host said it listens (event 11000).</summary>
internal sealed class MetricsGateway : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private MetricsGateway(ManagedGateway gateway, Uri baseAddress)
    {
        Gateway = gateway;
        BaseAddress = baseAddress;
    }

    public ManagedGateway Gateway { get; }

    public Uri BaseAddress { get; }

    public static async Task<MetricsGateway> StartAsync(IReadOnlyList<TestConnection>? connections = null)
    {
        var gateway = await ManagedGateway.StartAsync("concentrator.metrics { listen = \"127.0.0.1:0\", history-interval = 1s, history-length = 3600 }", connections);
        try
        {
            var line = await gateway.Host.WaitForLineAsync(l => l.Contains("\"EventId\":11000", StringComparison.Ordinal));
            var address = JsonDocument.Parse(line).RootElement.GetProperty("State").GetProperty("Address").GetString()!;
            return new MetricsGateway(gateway, new Uri($"http://{address}/"));
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    public async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await Http.GetAsync(new Uri(BaseAddress, "metrics"));
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics: {(int)response.StatusCode}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    public async Task<string> GetAsync(string path) => await Http.GetStringAsync(new Uri(BaseAddress, path));

    public ValueTask DisposeAsync() => Gateway.DisposeAsync();
}
