using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Concentrator.Kernel;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Benchmarks.Kernel;

/// <summary>
/// What <c>list-sas</c> costs the netlink dataplane to read every SA's counters (issue 14): one XFRM_MSG_GETSA per SA
/// (the baseline, batched by the writer as the kernel actor queues them) against one XFRM_MSG_GETSA dump
/// (<see cref="NetlinkKernelIpsec.DumpSaCountersAsync"/>, which reads only the key and counters of each state; and
/// <see cref="DumpFullRecords"/>, the same dump parsed into full records as it first was), each SA then looked up by
/// (daddr, spi, proto). This kernel
/// has no ESP, so the states are larval ones (XFRM_MSG_ALLOCSPI, one per destination, kept for an hour by
/// net.core.xfrm_acq_expires in the benchmark's own namespace): the kernel reports them as it does any state. Needs
/// root. Both read the same states and must find every one, or the run fails.
/// <c>dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter *SaCountersRead*</c>
/// </summary>
[Config(typeof(SaCountersReadConfig))]
public class SaCountersReadBenchmarks
{
    private static readonly IPAddress Gateway = IPAddress.Parse("192.0.2.1");
    private string _ns = "";
    private NetlinkKernelIpsec? _kernel;
    private SaId[] _sas = [];

    [Params(10_000, 100_000)]
    public int Sas { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ns = "h8mbench-" + Guid.NewGuid().ToString("N")[..8];
        Run("ip", $"netns add {_ns}");
        Run("ip", $"netns exec {_ns} sysctl -q -w net.core.xfrm_acq_expires=3600");
        _kernel = NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = "/var/run/netns/" + _ns, ListenForEvents = false });
        var peers = Enumerable.Range(0, Sas).Select(i => new IPAddress([198, 18, (byte)(i >> 8), (byte)i])).ToArray(); // RFC 2544 range
        var spis = Task.WhenAll(peers.Select(p => _kernel.AllocateSpiAsync(p, Gateway, IpsecProtocol.Esp, KernelOwnership.DefaultFirstReqid).AsTask()))
            .GetAwaiter().GetResult();
        _sas = [.. peers.Select((p, i) => new SaId(p, Gateway, spis[i]))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernel?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Run("ip", $"netns del {_ns}");
    }

    [Benchmark(Baseline = true)]
    public async Task<int> QueryEachSa()
    {
        var reads = await Task.WhenAll(_sas.Select(sa => _kernel!.QuerySaAsync(sa).AsTask())).ConfigureAwait(false);
        return Verified(reads.Length);
    }

    [Benchmark]
    public async Task<int> DumpOnce()
    {
        var counters = await _kernel!.DumpSaCountersAsync().ConfigureAwait(false);
        var found = 0;
        foreach (var sa in _sas)
        {
            found += counters!.ContainsKey(SaKey.Of(sa)) ? 1 : 0;
        }

        return Verified(found);
    }

    /// <summary>The dump as it was first read: a full record per state (selector, algorithms, marks, …), then its counters.</summary>
    [Benchmark]
    public async Task<int> DumpFullRecords()
    {
        var states = await _kernel!.ListSasAsync().ConfigureAwait(false);
        var counters = new Dictionary<SaKey, SaCounters>();
        foreach (var state in states)
        {
            counters[SaKey.Of(state.Id)] = state.Counters;
        }

        var found = 0;
        foreach (var sa in _sas)
        {
            found += counters.ContainsKey(SaKey.Of(sa)) ? 1 : 0;
        }

        return Verified(found);
    }

    private int Verified(int found) =>
        found == _sas.Length ? found : throw new InvalidOperationException($"{found} of {_sas.Length} SAs read");

    private static void Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} exited {p.ExitCode}");
        }
    }
}

/// <summary>In-process (the namespace is made in the global setup), 1 warm-up + 5 measured, one invocation each.</summary>
public sealed class SaCountersReadConfig : ManualConfig
{
    public SaCountersReadConfig()
    {
        AddJob(Job.Dry
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    }
}
