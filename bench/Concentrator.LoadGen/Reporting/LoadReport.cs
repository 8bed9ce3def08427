using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Concentrator.LoadGen.Reporting;

/// <summary>What a run measured. Setup rate and latencies cover the setup phase only (first start to last
/// handshake finished); hold and teardown are reported apart.</summary>
public sealed record LoadReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Target { get; init; }

    /// <summary>"concurrency 10" or "rate 50/s".</summary>
    public required string Mode { get; init; }

    public required int Count { get; init; }

    public required int Established { get; init; }

    public required int Failed { get; init; }

    /// <summary>Failures by cause (Notify name or our own), sorted by name.</summary>
    public required IReadOnlyDictionary<string, int> FailuresByCause { get; init; }

    public required double SetupSeconds { get; init; }

    /// <summary>Established setups per second of the setup phase.</summary>
    public double SetupsPerSecond => SetupSeconds > 0 ? Established / SetupSeconds : 0;

    public required LatencySummary LatencyMs { get; init; }

    /// <summary>Requests sent again during the setup phase.</summary>
    public required long Retransmits { get; init; }

    /// <summary>With --teardown: Deletes sent again (a responder busy deleting answers late).</summary>
    public long? TeardownRetransmits { get; init; }

    /// <summary>Datagrams the SAs dropped, by reason (wrong SPI, ICV mismatch, …).</summary>
    public required IReadOnlyDictionary<string, long> Drops { get; init; }

    /// <summary>Distinct virtual IPs the established clients received.</summary>
    public required int DistinctVirtualIps { get; init; }

    /// <summary>Established clients that switched to UDP 4500 because NAT was detected.</summary>
    public required int NatTraversal { get; init; }

    /// <summary>INFORMATIONAL requests from the responder answered during the run (liveness checks, …).</summary>
    public required long ResponderRequestsAnswered { get; init; }

    /// <summary>With --teardown: SAs whose Delete was answered.</summary>
    public int? Deleted { get; init; }

    /// <summary>The load generator's own CPU (user+system) over the setup phase per established setup: on a
    /// shared machine, what it takes away from the responder.</summary>
    public double? LoadGenCpuMsPerSetup { get; init; }

    /// <summary>Managed bytes the load generator allocated over the setup phase per established setup (all
    /// threads: the swarm plus Concentrator.Ike's initiator work), to check it allocates little beyond the
    /// messages and the SA state it must keep.</summary>
    public double? LoadGenAllocatedBytesPerSetup { get; init; }

    public double? ResponderCpuSeconds { get; init; }

    /// <summary>Responder CPU (user+system) over the setup phase divided by established setups.</summary>
    public double? ResponderCpuMsPerSetup { get; init; }

    public long? ResponderRssDeltaKiB { get; init; }

    /// <summary>Responder VmRSS growth over the setup phase per established SA.</summary>
    public double? ResponderRssKiBPerSa { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public string ToText()
    {
        var s = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"target {Target}, {Mode}, {Count} clients");
        s.AppendLine(c, $"established {Established}, failed {Failed}, in {SetupSeconds:F3} s: {SetupsPerSecond:F1} setups/s");
        s.AppendLine(c, $"latency ms: p50 {LatencyMs.P50:F1}  p90 {LatencyMs.P90:F1}  p99 {LatencyMs.P99:F1}  max {LatencyMs.Max:F1}  mean {LatencyMs.Mean:F1}");
        foreach ((string cause, int n) in FailuresByCause)
        {
            s.AppendLine(c, $"failed {cause}: {n}");
        }

        s.AppendLine(c, $"retransmits {Retransmits}, distinct virtual IPs {DistinctVirtualIps}, NAT-T {NatTraversal}, responder requests answered {ResponderRequestsAnswered}");
        foreach ((string reason, long n) in Drops)
        {
            s.AppendLine(c, $"dropped {reason}: {n}");
        }

        if (LoadGenCpuMsPerSetup is { } own)
        {
            s.Append(c, $"load generator: {own:F3} CPU ms/setup");
            if (LoadGenAllocatedBytesPerSetup is { } alloc)
            {
                s.Append(c, $", {alloc / 1024:F1} KiB allocated/setup");
            }

            s.AppendLine();
        }

        if (Deleted is { } deleted)
        {
            s.AppendLine(c, $"teardown: {deleted} deleted, {TeardownRetransmits ?? 0} retransmits");
        }

        if (ResponderCpuSeconds is { } cpu)
        {
            s.AppendLine(c, $"responder: {cpu:F2} CPU s, {ResponderCpuMsPerSetup:F3} CPU ms/setup, RSS +{ResponderRssDeltaKiB} KiB, {ResponderRssKiBPerSa:F1} KiB/SA");
        }

        return s.ToString();
    }
}
