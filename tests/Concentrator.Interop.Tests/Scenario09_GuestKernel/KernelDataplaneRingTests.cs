using Concentrator.Kernel.Tests.Guest;
using Xunit.Abstractions;

namespace Concentrator.Interop.Tests.Scenario09_GuestKernel;

/// <summary>
/// Boots the guest kernel (scripts/guest-kernel/run-in-guest.sh) and runs there every [Trait("Ring", "Guest")] test of
/// this assembly, scenario 9 above all, on this very build through <see cref="GuestTestRunner"/>. It passes only when
/// each of them was found, ran and passed in the guest; otherwise it fails with the guest's output. Needs root,
/// qemu-system-x86 and busybox-static (scripts/install-test-deps.sh).
/// </summary>
[Trait(GuestKernel.Ring, GuestKernel.GuestRunner)]
[Collection(GuestKernelCollection.Name)]
public sealed class KernelDataplaneRingTests(ITestOutputHelper log)
{
    [Fact]
    public async Task GuestKernel_EveryInteropGuestTest_PassesOnTheKernelDataplane()
    {
        var expected = GuestTestRunner.GuestTestNames();
        Assert.Contains(typeof(KernelDataplaneGuestTests).FullName + "." + nameof(KernelDataplaneGuestTests.StrongSwanKernelClient_PlainThenUdpEncapsulatedEsp_ConnectsPingsRekeysAndTerminates), expected);
        var assembly = typeof(KernelDataplaneRingTests).Assembly.Location;

        // Memory: the test runner and the Host (both .NET) and charon; 2 GB leaves the guest's page cache room.
        var run = await GuestRunner.RunAsync(
            ["--mem", "2048", "--timeout", "480", "--timings", "--env", "DOTNET_STARTUP_HOOKS=" + assembly, "--env", GuestTestRunner.RunVariable + "=1"],
            ["dotnet", "exec", assembly],
            log,
            workingDirectory: Path.GetDirectoryName(assembly));

        var lines = run.Output.Split('\n');
        var failed = lines.Where(l => l.StartsWith(GuestTestRunner.Fail, StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count == 0 && run.ExitCode == 0, $"guest run exited {run.ExitCode}:\n{run.Output}\n{run.Error}");
        var passed = lines.Where(l => l.StartsWith(GuestTestRunner.Pass, StringComparison.Ordinal))
            .Select(l => l[GuestTestRunner.Pass.Length..].Split(' ')[0])
            .ToHashSet();
        Assert.All(expected, name => Assert.True(passed.Contains(name), $"{name} did not pass in the guest:\n{run.Output}\n{run.Error}"));
    }
}

/// <summary>The guest runs alone: under TCG its timing (the Host's start, the first CHILD SA install against the gateway's
/// 10 s timeout) suffers from every other CPU-heavy interop scenario running beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GuestKernelCollection
{
    public const string Name = "guest kernel";
}
