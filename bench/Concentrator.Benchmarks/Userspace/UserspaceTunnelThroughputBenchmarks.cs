using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Concentrator.Benchmarks.Userspace;

/// <summary>
/// TCP throughput (iperf3, one stream) between two namespaces through the userspace dataplane, against
/// the same transfer over the bare veth in the same run (baseline). One invocation = one iperf3 run of
/// <c>US_IPERF_SECONDS</c> (default 5) seconds; the Mbit/s of each run are printed and appended to
/// <c>US_IPERF_RESULT</c> (default /tmp/us-iperf-result.txt). Needs root and iperf3; driven by
/// scripts/bench-userspace-iperf.sh.
/// </summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 1, warmupCount: 0, iterationCount: 1, invocationCount: 1)]
public class UserspaceTunnelThroughputBenchmarks
{
    private TunnelPair? _pair;
    private Process? _server;

    [Params(EspCipher.AesGcm128, EspCipher.ChaCha20Poly1305, EspCipher.AesCbc128HmacSha256)]
    public EspCipher Cipher { get; set; }

    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("US_IPERF_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 5;

    private static string ResultFile => Environment.GetEnvironmentVariable("US_IPERF_RESULT") ?? "/tmp/us-iperf-result.txt";

    [GlobalSetup]
    public void Setup()
    {
        _pair = TunnelPair.CreateAsync(Cipher).GetAwaiter().GetResult();
        _server = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", _pair.NsB, "iperf3", "-s"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Thread.Sleep(500);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server?.Kill();
        _server?.WaitForExit();
        _server?.Dispose();
        _pair?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public double BareVeth() => Iperf(TunnelPair.OuterB.ToString(), "veth");

    [Benchmark]
    public double UserspaceEsp() => Iperf(TunnelPair.InnerB.ToString(), "userspace-esp");

    private double Iperf(string target, string label)
    {
        var json = TunnelPair.Run("ip", "netns", "exec", _pair!.NsA, "iperf3", "-c", target, "-t", Seconds.ToString(CultureInfo.InvariantCulture), "-J");
        using var doc = JsonDocument.Parse(json);
        double bps = doc.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
        var line = string.Create(CultureInfo.InvariantCulture, $"{Cipher} {label} {bps / 1e6:F1} Mbit/s");
        Console.WriteLine(line);
        File.AppendAllText(ResultFile, line + Environment.NewLine);
        if (label != "veth")
        {
            File.AppendAllText(ResultFile, $"{Cipher} counters {_pair.Counters}{Environment.NewLine}");
        }

        return bps;
    }
}
