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
/// Installs road warriors into the kernel: per client the three policies of a route-based CHILD SA (out, in,
/// fwd, each with the interface's if_id and a tunnel template), through <see cref="NetlinkKernelIpsec"/>. The
/// baseline is the same writer forced to one request at a time (batch size 1: send, wait for the ack, send
/// the next), i.e. what a one-request-per-ack daemon does; the other case batches. Needs root: each
/// iteration gets its own network namespace, and its policy table is counted afterwards, so a lost or
/// duplicated request fails the run. Run with
/// <c>dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter *PolicyInstall*</c>.
/// </summary>
[Config(typeof(KernelInstallConfig))]
public class PolicyInstallBenchmarks
{
    private const uint IfId = 0x4001;
    private const uint Reqid = KernelOwnership.DefaultFirstReqid;
    private static readonly IPAddress Gateway = IPAddress.Parse("192.0.2.1");
    private static readonly IPNetwork AnyV4 = IPNetwork.Parse("0.0.0.0/0");

    private string _ns = "";
    private NetlinkKernelIpsec? _kernel;
    private PolicyRequest[] _policies = [];

    [Params(10_000, 100_000)]
    public int Clients { get; set; }

    [GlobalSetup]
    public void BuildRequests()
    {
        // Requests are built once, outside the measurement: the benchmark measures the kernel path.
        _policies = new PolicyRequest[Clients * 3];
        for (int i = 0; i < Clients; i++)
        {
            var vip = new IPNetwork(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), 32);
            var peer = new IPAddress([198, 18, (byte)(i >> 8), (byte)i]); // RFC 2544 benchmarking range, never leaves the namespace
            uint reqid = Reqid + (uint)i;
            var outTmpl = new PolicyTemplate(Gateway, peer, reqid);
            var inTmpl = new PolicyTemplate(peer, Gateway, reqid);
            _policies[(i * 3) + 0] = new PolicyRequest(new TrafficSelector(AnyV4, vip), PolicyDirection.Out, [outTmpl]) { IfId = IfId, Priority = 1000 };
            _policies[(i * 3) + 1] = new PolicyRequest(new TrafficSelector(vip, AnyV4), PolicyDirection.In, [inTmpl]) { IfId = IfId, Priority = 1000 };
            _policies[(i * 3) + 2] = new PolicyRequest(new TrafficSelector(vip, AnyV4), PolicyDirection.Fwd, [inTmpl]) { IfId = IfId, Priority = 1000 };
        }
    }

    [IterationSetup(Target = nameof(OneAtATime))]
    public void SetupOneAtATime() => Setup(new WriterOptions { MaxBatchMessages = 1 });

    [IterationSetup(Target = nameof(Batched))]
    public void SetupBatched() => Setup(new WriterOptions());

    [Benchmark(Baseline = true)]
    public Task OneAtATime() => InstallAll();

    [Benchmark]
    public Task Batched() => InstallAll();

    [IterationCleanup]
    public void Cleanup()
    {
        var kernel = _kernel!;
        try
        {
            int installed = kernel.ListPoliciesAsync().AsTask().GetAwaiter().GetResult().Count;
            if (installed != _policies.Length)
            {
                throw new InvalidOperationException($"{installed} policies in the kernel, {_policies.Length} requested: lost or duplicated requests");
            }

            Console.WriteLine($"// {Clients} clients: {installed} policies verified; writer {kernel.XfrmWriter.Statistics}");
        }
        finally
        {
            kernel.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Run("ip", $"netns del {_ns}");
        }
    }

    private void Setup(WriterOptions options)
    {
        _ns = "czbench-" + Guid.NewGuid().ToString("N")[..8];
        Run("ip", $"netns add {_ns}");
        _kernel = NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = "/var/run/netns/" + _ns, Xfrm = options, ListenForEvents = false });
    }

    /// <summary>Many producers at once, as IKE SA actors would be: every request queued, then all awaited.</summary>
    private async Task InstallAll()
    {
        var kernel = _kernel!;
        var tasks = new Task[_policies.Length];
        for (int i = 0; i < _policies.Length; i++)
        {
            tasks[i] = kernel.AddPolicyAsync(_policies[i]).AsTask();
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

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

/// <summary>
/// One job: each iteration is one whole install (seconds long, so no unrolling, one invocation), run
/// in-process because every iteration makes and deletes a network namespace, 1 warm-up + 3 measured.
/// </summary>
public sealed class KernelInstallConfig : ManualConfig
{
    public KernelInstallConfig()
    {
        AddJob(Job.Dry
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(new InstallRateColumn());
    }
}
