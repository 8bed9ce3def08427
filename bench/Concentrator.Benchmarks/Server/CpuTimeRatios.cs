using System.Diagnostics;
using System.Globalization;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// A second, plain mode for the Server benchmarks: on a machine shared with other work, wall time swings with the
/// load, but the CPU time a process spends per operation hardly does. This mode runs the same benchmark methods
/// as BenchmarkDotNet (the baseline and its candidate of each class), alternating them in short rounds so drift of
/// the machine hits both alike, and reports per operation the process CPU time (every thread: actor dispatchers,
/// GC, tiering included), the wall time and the bytes allocated, with the median over the rounds and the median of
/// the per-round ratios candidate / baseline.
/// <code>
/// dotnet Concentrator.Benchmarks.dll --server-cpu [--rounds 15] [--ops 40] [--only floor|actor|actor16|kernel]
/// </code>
/// </summary>
internal static class CpuTimeRatios
{
    public const string Switch = "--server-cpu";

    private sealed record Pair(string Name, string Baseline, Func<object> BaselineOp, string Candidate, Func<object> CandidateOp, int OpsScale, Action Cleanup)
    {
        /// <summary>Operations one call of the candidate does (handshakes run concurrently).</summary>
        public int CandidatePerCall { get; init; } = 1;
    }

    public static int Run(string[] args)
    {
        int rounds = IntOption(args, "--rounds", 15);
        int ops = IntOption(args, "--ops", 40);
        int at = Array.IndexOf(args, "--only");
        string? only = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        Console.WriteLine($"// {Environment.ProcessorCount} CPUs, load average {LoadAverage()}, {rounds} rounds of {ops} operations per side (kernel pair: {ops}/16 batches)");
        Console.WriteLine("| pair | method | CPU µs/op (median) | wall µs/op (median) | allocated B/op | CPU ratio (median of rounds) | wall ratio |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var pair in Pairs(only))
        {
            Measure(pair, rounds, Math.Max(1, ops / pair.OpsScale));
            pair.Cleanup();
        }

        Console.WriteLine($"// load average at the end {LoadAverage()}");
        return 0;
    }

    private static IEnumerable<Pair> Pairs(string? only)
    {
        if (only is null or "floor")
        {
            var floor = new CryptoFloorBenchmarks();
            floor.Setup();
            yield return new Pair("crypto floor vs responder", nameof(floor.CryptoFloor), () => floor.CryptoFloor(),
                nameof(floor.FullResponder), () => floor.FullResponder(), 1, floor.Cleanup);
        }

        if (only is null or "actor" or "actor16")
        {
            var actor = new ActorHandshakeBenchmarks();
            actor.Setup();
            if (only is not "actor16")
            {
                yield return new Pair("handshake: IkeSa vs actors", nameof(actor.PureIkeSa), () => actor.PureIkeSa(),
                    nameof(actor.ActorPath), () => actor.ActorPath().GetAwaiter().GetResult(), 2, () => { });
            }

            yield return new Pair($"handshake: IkeSa vs actors, {ActorHandshakeBenchmarks.InFlight} in flight", nameof(actor.PureIkeSa), () => actor.PureIkeSa(),
                nameof(actor.ActorPathConcurrent), () => actor.ActorPathConcurrent().GetAwaiter().GetResult(), 2, actor.Cleanup)
            {
                CandidatePerCall = ActorHandshakeBenchmarks.InFlight,
            };
        }

        if (only is null or "kernel")
        {
            var kernel = new KernelActorBatchBenchmarks { Count = 1024 };
            kernel.Setup();
            yield return new Pair("1024 CHILD SAs install+remove", nameof(kernel.Direct), () => kernel.Direct().GetAwaiter().GetResult(),
                nameof(kernel.ThroughKernelActor), () => kernel.ThroughKernelActor().GetAwaiter().GetResult(), 16, kernel.Cleanup);
        }
    }

    private static void Measure(Pair pair, int rounds, int ops)
    {
        // Warm-up: JIT tiers, the actor system's threads, pools.
        for (int i = 0; i < Math.Max(20, ops); i++)
        {
            pair.BaselineOp();
            pair.CandidateOp();
        }

        int candidateCalls = Math.Max(1, ops / pair.CandidatePerCall);
        var baseline = new List<Sample>(rounds);
        var candidate = new List<Sample>(rounds);
        for (int r = 0; r < rounds; r++)
        {
            // Alternate which side goes first, so neither always follows the other's garbage.
            if (r % 2 == 0)
            {
                baseline.Add(Sample.Of(pair.BaselineOp, ops, 1));
                candidate.Add(Sample.Of(pair.CandidateOp, candidateCalls, pair.CandidatePerCall));
            }
            else
            {
                candidate.Add(Sample.Of(pair.CandidateOp, candidateCalls, pair.CandidatePerCall));
                baseline.Add(Sample.Of(pair.BaselineOp, ops, 1));
            }
        }

        double cpuRatio = Median(baseline.Zip(candidate, (b, c) => c.CpuMicros / b.CpuMicros));
        double wallRatio = Median(baseline.Zip(candidate, (b, c) => c.WallMicros / b.WallMicros));
        Row(pair.Name, pair.Baseline, baseline, "1.00 (baseline)", "1.00");
        Row(pair.Name, pair.Candidate, candidate, F(cpuRatio), F(wallRatio));
    }

    private static void Row(string pair, string method, List<Sample> samples, string cpuRatio, string wallRatio) =>
        Console.WriteLine($"| {pair} | {method} | {F(Median(samples.Select(s => s.CpuMicros)))} | {F(Median(samples.Select(s => s.WallMicros)))} | " +
            $"{Median(samples.Select(s => s.AllocatedBytes)):F0} | {cpuRatio} | {wallRatio} |");

    private readonly record struct Sample(double CpuMicros, double WallMicros, double AllocatedBytes)
    {
        public static Sample Of(Func<object> op, int calls, int perCall)
        {
            int ops = calls * perCall;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            TimeSpan cpu = Environment.CpuUsage.TotalTime;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                op();
            }

            double wall = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            double cpuUsed = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds;
            return new Sample(cpuUsed / ops, wall / ops, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)ops);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string F(double value) => value.ToString(value >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out int value) ? value : fallback;
    }
}
