using BenchmarkDotNet.Running;
using Concentrator.Benchmarks.Kernel;
using Concentrator.Benchmarks.Server;
using Concentrator.Benchmarks.Userspace;

namespace Concentrator.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        // a plain timed mode for kernels reached only under emulation (the guest ring), see GuestInstallBenchmark
        if (args.Length > 0 && args[0] == GuestInstallBenchmark.Switch)
        {
            return GuestInstallBenchmark.Run(args[1..]);
        }

        // CPU time per operation for the Server benchmarks, robust on a shared machine, see CpuTimeRatios
        if (args.Length > 0 && args[0] == CpuTimeRatios.Switch)
        {
            return CpuTimeRatios.Run(args[1..]);
        }

        // managed bytes the userspace dataplane keeps per CHILD SA (issue 6), see UserspaceSaMemory
        if (args.Length > 0 && args[0] == UserspaceSaMemory.Switch)
        {
            return UserspaceSaMemory.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
