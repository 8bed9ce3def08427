using Concentrator.Interop.Tests.Scenario09_GuestKernel;
using Concentrator.Kernel.Tests.Guest;
using Xunit.Abstractions;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

/// <summary>
/// Boots the guest kernel for scenario 36 alone (its Host and two plutos would crowd scenario 9's boot on the guest's
/// two vCPUs) and runs there the Ring=Guest tests of the "libreswan" boot on this very build. libreswan is fetched
/// and unpacked on the host first (scripts/guest-kernel/fetch-deb.sh: it conflicts with the host's strongSwan
/// packages, so it is never installed) and copied into the guest's throw-away root. Fails, never skips, when the
/// package cannot be had or the guest cannot boot.
/// </summary>
[Trait(GuestKernel.Ring, GuestKernel.GuestRunner)]
[Collection(GuestKernelCollection.Name)]
public sealed class LibreswanRingTests(ITestOutputHelper log)
{
    public const string Boot = "libreswan";

    [Fact]
    public async Task GuestKernel_Libreswan_PeersOfTheImportedConfigConnectAndPing()
    {
        var expected = GuestTestRunner.GuestTestNames(Boot);
        Assert.Contains(typeof(LibreswanGuestTests).FullName + "." + nameof(LibreswanGuestTests.Libreswan_ImportedRoadWarriorAndRouteBasedSite_ConnectPingAndRekey), expected);
        var fetch = Tool.Run(Path.Combine(Path.GetDirectoryName(GuestRunner.ScriptPath)!, "fetch-deb.sh"), "libreswan");
        Assert.True(fetch.ExitCode == 0, "fetch-deb.sh libreswan failed: " + fetch);
        var root = fetch.Output.Trim();
        var assembly = typeof(LibreswanRingTests).Assembly.Location;

        // Memory: the test runner and two Hosts (all .NET) and two plutos.
        var run = await GuestRunner.RunAsync(
            ["--mem", "3072", "--timeout", "900", "--timings", "--env", "DOTNET_STARTUP_HOOKS=" + assembly, "--env", GuestTestRunner.RunVariable + "=1",
             "--env", GuestTestRunner.BootVariable + "=" + Boot, "--env", LibreswanLab.RootVariable + "=" + root],
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
