using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Concentrator.Kernel;
using Concentrator.Kernel.Tests.Userspace;

namespace Concentrator.Benchmarks.Userspace;

/// <summary>
/// TCP throughput (iperf3, one stream) between two namespaces through the userspace dataplane
/// (<see cref="NetnsPair"/>: TUN ipsec1, ESP in UDP 4500), against the same transfer over the bare veth in the
/// same run (baseline). One invocation = <c>US_IPERF_RUNS</c> (default 1) iperf3 runs of <c>US_IPERF_SECONDS</c>
/// (default 5) seconds each; each run's Mbit/s is printed and appended to <c>US_IPERF_RESULT</c> (default
/// /tmp/us-iperf-result.txt) as <c>CIPHER LABEL MBITS Mbit/s</c>. <c>US_IPERF_CIPHERS</c> (comma-separated
/// <see cref="EspCipher"/> names) narrows the ciphers. <c>US_IPERF_BETWEEN_RUNS</c>, if set, is a shell command
/// run after each tunnel run, so a side-by-side script can interleave another implementation's runs with ours
/// under the same background load. Needs root and iperf3; driven by
/// scripts/bench-userspace-iperf.sh and scripts/bench-userspace-vs-libipsec.sh.
/// </summary>
[Config(typeof(IperfJob))]
public class UserspaceTunnelThroughputBenchmarks
{
    private NetnsPair? _pair;
    private Process? _server;

    [ParamsSource(nameof(Ciphers))]
    public EspCipher Cipher { get; set; }

    public static IEnumerable<EspCipher> Ciphers =>
        Environment.GetEnvironmentVariable("US_IPERF_CIPHERS") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<EspCipher>)
            : [EspCipher.AesGcm128, EspCipher.ChaCha20Poly1305, EspCipher.AesCbc128HmacSha256];

    private static int Seconds => EnvInt("US_IPERF_SECONDS", 5);

    private static int Runs => EnvInt("US_IPERF_RUNS", 1);

    private static string ResultFile => Environment.GetEnvironmentVariable("US_IPERF_RESULT") ?? "/tmp/us-iperf-result.txt";

    [GlobalSetup]
    public void Setup()
    {
        var cipher = Cipher;
        _pair = NetnsPair.CreateAsync(customizeSa: sa => WithCipher(sa, cipher)).GetAwaiter().GetResult();
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
    public double BareVeth() => Iperf(_pair!.OuterB.ToString(), "veth");

    [Benchmark]
    public double UserspaceEsp() => Iperf(NetnsPair.InnerB.ToString(), "userspace-esp");

    /// <summary>The SA request with this benchmark's cipher, keyed from its SPI so both ends agree.</summary>
    private static SaRequest WithCipher(SaRequest sa, EspCipher cipher)
    {
        var key = new byte[36];
        key[0] = (byte)sa.Spi;
        key[1] = (byte)(sa.Spi >> 8);
        return cipher switch
        {
            EspCipher.AesGcm128 => sa with { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key.AsMemory(0, 20), 128) },
            EspCipher.AesGcm256 => sa with { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128) },
            EspCipher.ChaCha20Poly1305 => sa with { Aead = new AeadAlgorithm(AeadAlgorithm.ChaCha20Poly1305, key, 128) },
            _ => sa with
            {
                Aead = null,
                Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, key.AsMemory(0, 16)),
                Integrity = new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha256, key.AsMemory(0, 32), 128),
            },
        };
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;

    private double Iperf(string target, string label)
    {
        double last = 0;
        for (int run = 0; run < Runs; run++)
        {
            var json = NetnsPair.Run("ip", "netns", "exec", _pair!.NsA, "iperf3", "-c", target, "-t", Seconds.ToString(CultureInfo.InvariantCulture), "-J");
            using var doc = JsonDocument.Parse(json);
            last = doc.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
            var line = string.Create(CultureInfo.InvariantCulture, $"{Cipher} {label} {last / 1e6:F1} Mbit/s");
            Console.WriteLine(line);
            File.AppendAllText(ResultFile, line + Environment.NewLine);
            if (label != "veth" && Environment.GetEnvironmentVariable("US_IPERF_BETWEEN_RUNS") is { Length: > 0 } between)
            {
                NetnsPair.Run("/bin/sh", "-c", between);
            }
        }

        if (label != "veth")
        {
            File.AppendAllText(ResultFile, $"{Cipher} counters {_pair!.Counters}{Environment.NewLine}");
        }

        return last;
    }

    /// <summary>
    /// One cold invocation per benchmark, in this process: the tunnel's threads and the iperf3 runs are the
    /// measurement, BenchmarkDotNet only sequences them (and a child process would rebuild the project).
    /// </summary>
    private sealed class IperfJob : ManualConfig
    {
        public IperfJob() => AddJob(Job.Default
            .WithStrategy(RunStrategy.ColdStart)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(1)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("iperf3"));
    }
}
