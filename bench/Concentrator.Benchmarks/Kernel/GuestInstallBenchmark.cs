using System.Diagnostics;
using System.Globalization;
using Concentrator.Kernel;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Benchmarks.Kernel;

/// <summary>
/// A plain timed mode of the benchmark program (BenchmarkDotNet's process and pilot machinery costs minutes
/// under TCG emulation, and each measurement here is one whole install anyway): for N road warriors installs
/// the 2 ESP SAs and 3 policies of each client (<see cref="RoadWarrior"/>) through <see cref="NetlinkKernelIpsec"/>
/// into a fresh network namespace, once with the writer forced to one request at a time (the baseline) and once
/// batched, and prints installs/s, the ratio and a count of what the kernel holds afterwards. ESP states need a
/// kernel with ESP (the guest ring, scripts/guest-kernel/run-in-guest.sh); <c>--policies-only</c> measures the
/// policies alone, which this machine's kernel also accepts. <c>--hthresh4 0 32</c> sets the namespace's policy
/// hash thresholds first (<c>ip xfrm policy set hthresh4</c>): by default a policy with 0.0.0.0/0 on one side is
/// "inexact", and on 6.1 inserting those grows quadratically with the client count (bench/results/guest-install.md);
/// with local bits 0 our road-warrior policies are hashed. Needs root. Exit code 1 when the kernel holds other
/// counts than requested (a lost or duplicated request), 2 when the kernel refused a request.
/// <code>
/// dotnet Concentrator.Benchmarks.dll --guest-install 10000 [--policies-only] [--hthresh4 0 32] [--only batched|one-at-a-time] [--warmup 1000] [--settle 2]
/// </code>
/// </summary>
internal static class GuestInstallBenchmark
{
    public const string Switch = "--guest-install";

    public static int Run(string[] args)
    {
        if (args.Length == 0 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out int clients) || clients < 1)
        {
            Console.Error.WriteLine($"usage: {Switch} CLIENTS [--policies-only] [--hthresh4 LBITS RBITS] [--only batched|one-at-a-time] [--warmup CLIENTS] [--settle SECONDS]");
            return 64;
        }

        bool policiesOnly = args.Contains("--policies-only");
        int warmup = IntOption(args, "--warmup", Math.Min(1000, clients));
        int settleSeconds = IntOption(args, "--settle", 2);
        int at = Array.IndexOf(args, "--hthresh4");
        string[]? hthresh = at >= 0 && at + 2 < args.Length ? [args[at + 1], args[at + 2]] : null;
        at = Array.IndexOf(args, "--only");
        var modes = at >= 0 && at + 1 < args.Length ? InstallRun.Modes.Where(m => m.Name.Replace(' ', '-') == args[at + 1]).ToArray() : InstallRun.Modes;
        if (modes.Length == 0)
        {
            Console.Error.WriteLine("--only takes one-at-a-time or batched");
            return 64;
        }

        var what = policiesOnly ? "3 policies" : "2 SAs + 3 policies";
        var spd = hthresh is null ? "kernel default hthresh4 (32 32)" : $"hthresh4 {hthresh[0]} {hthresh[1]}";
        Console.WriteLine($"// kernel {KernelRelease()}, {Environment.ProcessorCount} CPUs, guest={Environment.GetEnvironmentVariable("CONCENTRATOR_GUEST") ?? "0"}: {clients} road warriors, {what} each, {spd}");

        try
        {
            // warm-up (JIT, tiering, the kernel's slab caches) in throw-away namespaces, not reported
            var warm = RoadWarrior.Build(warmup);
            foreach (var mode in modes)
            {
                InstallRun.Measure(mode, warm, policiesOnly, hthresh, settleSeconds);
            }

            var requests = RoadWarrior.Build(clients);
            var results = modes.Select(mode => InstallRun.Measure(mode, requests, policiesOnly, hthresh, settleSeconds)).ToList();
            Console.WriteLine();
            Console.WriteLine(Table(results));
            return results.All(r => r.CountsMatch) ? 0 : 1;
        }
        catch (KernelException e)
        {
            Console.Error.WriteLine($"the kernel refused a request: {e.Message}" + (policiesOnly ? "" : " (no ESP in this kernel? run it in the guest, or with --policies-only)"));
            return 2;
        }
    }

    /// <summary>A markdown table, the baseline first; the ratio is each row's throughput over the first row's (with <c>--only</c>, itself).</summary>
    internal static string Table(IReadOnlyList<InstallResult> results)
    {
        var baseline = results[0];
        var lines = new List<string>
        {
            "| mode | clients | messages | time (s) | messages/s | clients/s | ratio | SAs in kernel | policies in kernel | lost | writer batches | overflows | recovered |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        foreach (var r in results)
        {
            double ratio = r.MessagesPerSecond / baseline.MessagesPerSecond;
            lines.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Mode} | {r.Clients:N0} | {r.Messages:N0} | {r.Elapsed.TotalSeconds:F2} | {r.MessagesPerSecond:N0} | {r.ClientsPerSecond:N0} | {ratio:F2} | {r.SasFound:N0} / {r.SasExpected:N0} | {r.PoliciesFound:N0} / {r.PoliciesExpected:N0} | {r.Lost} | {r.Batches:N0} | {r.Overflows} | {r.Recovered} |"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string KernelRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return Environment.OSVersion.VersionString;
        }
    }
}

/// <summary>What one measured install took and what the kernel held afterwards.</summary>
internal sealed record InstallResult(string Mode, int Clients, int Messages, TimeSpan Elapsed, int SasExpected, int SasFound, int PoliciesExpected, int PoliciesFound)
{
    public long Batches { get; init; }
    public long Overflows { get; init; }
    public long Recovered { get; init; }

    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
    public double ClientsPerSecond => Clients / Elapsed.TotalSeconds;
    public bool CountsMatch => SasFound == SasExpected && PoliciesFound == PoliciesExpected;

    /// <summary>Requested objects missing from the kernel (negative would mean duplicates, which the kernel refuses with EEXIST).</summary>
    public int Lost => SasExpected - SasFound + PoliciesExpected - PoliciesFound;
}

/// <summary>One install of all road warriors into a namespace of its own, with one writer configuration.</summary>
internal static class InstallRun
{
    /// <summary>The baseline first: a one-request-per-ack daemon (send, wait for the ack, send the next); then our batching writer.</summary>
    public static readonly (string Name, WriterOptions Options)[] Modes =
    [
        ("one at a time", new WriterOptions { MaxBatchMessages = 1 }),
        ("batched", new WriterOptions()),
    ];

    public static InstallResult Measure((string Name, WriterOptions Options) mode, RoadWarrior[] clients, bool policiesOnly, string[]? hthresh4, int settleSeconds)
    {
        var ns = "czgi-" + Guid.NewGuid().ToString("N")[..8];
        Run("ip", "netns", "add", ns);
        try
        {
            if (hthresh4 is not null)
            {
                Run("ip", "-n", ns, "xfrm", "policy", "set", "hthresh4", hthresh4[0], hthresh4[1]);
            }

            var kernel = NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = "/var/run/netns/" + ns, Xfrm = mode.Options, ListenForEvents = false });
            try
            {
                var watch = Stopwatch.StartNew();
                InstallAll(kernel, clients, policiesOnly).GetAwaiter().GetResult();
                watch.Stop();
                var result = Verify(kernel, mode.Name, clients, policiesOnly, watch.Elapsed);
                Console.WriteLine($"// {mode.Name}, {clients.Length} clients: {result.Elapsed.TotalSeconds:F2} s, {result.SasFound} SAs and {result.PoliciesFound} policies in the kernel; writer {kernel.XfrmWriter.Statistics}");
                return result;
            }
            finally
            {
                kernel.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            // flush first: deleting the namespace alone frees its states later, in the background, during the next measurement
            Run("ip", "-n", ns, "xfrm", "policy", "flush");
            Run("ip", "-n", ns, "xfrm", "state", "flush");
            Run("ip", "netns", "del", ns);
            Thread.Sleep(TimeSpan.FromSeconds(settleSeconds));
        }
    }

    /// <summary>Every client at once, as IKE SA actors would be; each installs its SA pair, then its policies (an outbound packet that meets the policy finds its SA).</summary>
    private static async Task InstallAll(NetlinkKernelIpsec kernel, RoadWarrior[] clients, bool policiesOnly)
    {
        var tasks = new Task[clients.Length];
        for (int i = 0; i < clients.Length; i++)
        {
            tasks[i] = InstallOne(kernel, clients[i], policiesOnly);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task InstallOne(NetlinkKernelIpsec kernel, RoadWarrior client, bool policiesOnly)
    {
        if (!policiesOnly)
        {
            var outbound = kernel.AddSaAsync(client.Outbound).AsTask();
            var inbound = kernel.AddSaAsync(client.Inbound).AsTask();
            await Task.WhenAll(outbound, inbound).ConfigureAwait(false);
        }

        var o = kernel.AddPolicyAsync(client.Out).AsTask();
        var i = kernel.AddPolicyAsync(client.In).AsTask();
        var f = kernel.AddPolicyAsync(client.Fwd).AsTask();
        await Task.WhenAll(o, i, f).ConfigureAwait(false);
    }

    /// <summary>Counts what the kernel holds (dumps), and checks that one SA carries what was asked (a count alone would not notice a dropped attribute).</summary>
    private static InstallResult Verify(NetlinkKernelIpsec kernel, string mode, RoadWarrior[] clients, bool policiesOnly, TimeSpan elapsed)
    {
        var states = kernel.ListSasAsync().AsTask().GetAwaiter().GetResult();
        var policies = kernel.ListPoliciesAsync().AsTask().GetAwaiter().GetResult();
        if (!policiesOnly)
        {
            var want = clients[^1].Outbound;
            var got = states.SingleOrDefault(s => s.Id.Spi == want.Spi && s.Id.Destination.Equals(want.Destination))
                ?? throw new InvalidOperationException($"SA 0x{want.Spi:x8} is not in the kernel");
            if (got.AeadName != AeadAlgorithm.AesGcm || got.Mode != IpsecMode.Tunnel || got.Id.IfId != RoadWarrior.IfId
                || got.OutputMark != want.OutputMark || got.Encapsulation?.DestinationPort != want.Encapsulation!.DestinationPort)
            {
                throw new InvalidOperationException($"SA 0x{want.Spi:x8} differs from the request: {got}");
            }
        }

        int perClientSas = policiesOnly ? 0 : 2;
        return new InstallResult(
            mode,
            clients.Length,
            clients.Length * (perClientSas + 3),
            elapsed,
            clients.Length * perClientSas,
            states.Count(s => s.Id.IfId == RoadWarrior.IfId),
            clients.Length * 3,
            policies.Count(p => p.Id.IfId == RoadWarrior.IfId))
        {
            Batches = kernel.XfrmWriter.Statistics.Batches,
            Overflows = kernel.XfrmWriter.Statistics.Overflows,
            Recovered = kernel.XfrmWriter.Statistics.Recovered,
        };
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}");
        }
    }
}
