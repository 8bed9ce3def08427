using System.Text.Json;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Tests.Reporting;

public sealed class LoadReportTests
{
    private static LoadReport Sample(double? cpu = null) => new()
    {
        Target = "192.0.2.1:500",
        Mode = "concurrency 10",
        Count = 100,
        Established = 96,
        Failed = 4,
        FailuresByCause = new SortedDictionary<string, int> { ["AUTHENTICATION_FAILED"] = 3, ["TIMEOUT_IKE_AUTH"] = 1 },
        SetupSeconds = 2.0,
        LatencyMs = LatencySummary.From([10, 20, 30]),
        Retransmits = 5,
        Drops = new SortedDictionary<string, long>(),
        DistinctVirtualIps = 96,
        NatTraversal = 96,
        ResponderRequestsAnswered = 0,
        ResponderCpuSeconds = cpu,
        ResponderCpuMsPerSetup = cpu * 1000 / 96,
        ResponderRssDeltaKiB = cpu is null ? null : 960,
        ResponderRssKiBPerSa = cpu is null ? null : 10,
    };

    [Fact]
    public void SetupsPerSecond_EstablishedOverSetupTime()
    {
        Assert.Equal(48, Sample().SetupsPerSecond);
    }

    [Fact]
    public void ToText_ListsRateLatencyAndEachCause()
    {
        string text = Sample().ToText();

        Assert.Contains("established 96, failed 4, in 2.000 s: 48.0 setups/s", text, StringComparison.Ordinal);
        Assert.Contains("p50 20.0  p90 30.0  p99 30.0  max 30.0", text, StringComparison.Ordinal);
        Assert.Contains("failed AUTHENTICATION_FAILED: 3", text, StringComparison.Ordinal);
        Assert.Contains("failed TIMEOUT_IKE_AUTH: 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("responder:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToText_WithResponderSample_ShowsCpuPerSetupAndMemoryPerSa()
    {
        string text = Sample(cpu: 0.96).ToText();

        Assert.Contains("responder: 0.96 CPU s, 10.000 CPU ms/setup, RSS +960 KiB, 10.0 KiB/SA", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToText_WithOwnCpuAndAllocations_ShowsBothPerSetup()
    {
        string text = (Sample() with { LoadGenCpuMsPerSetup = 0.5, LoadGenAllocatedBytesPerSetup = 3 * 1024 }).ToText();

        Assert.Contains("load generator: 0.500 CPU ms/setup, 3.0 KiB allocated/setup", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_RoundTripsTheNumbers()
    {
        using JsonDocument doc = JsonDocument.Parse(Sample(cpu: 0.96).ToJson());
        JsonElement root = doc.RootElement;

        Assert.Equal(48, root.GetProperty("setupsPerSecond").GetDouble());
        Assert.Equal(3, root.GetProperty("failuresByCause").GetProperty("AUTHENTICATION_FAILED").GetInt32());
        Assert.Equal(30, root.GetProperty("latencyMs").GetProperty("p99").GetDouble());
        Assert.Equal(10, root.GetProperty("responderRssKiBPerSa").GetDouble());
        Assert.False(root.TryGetProperty("deleted", out _));
    }
}
