using Xunit.Abstractions;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// Runs the guest ring: boots the guest kernel once and runs there every test of this assembly that carries
/// <c>[Trait("Ring", "Guest")]</c>, on this very build (nothing is compiled in the guest), through
/// <see cref="GuestTestRunner"/>: <c>dotnet exec</c> of this assembly with itself as startup hook, ~1 s of
/// start-up where <c>dotnet vstest</c> takes 20-50 s under TCG. It passes only when each guest test method
/// was found, ran and passed there, so a test that vanished or was never reached cannot pass unnoticed.
/// (By hand, <c>dotnet vstest Concentrator.Kernel.Tests.dll --TestCaseFilter:Ring=Guest</c> inside
/// run-in-guest.sh runs the same tests with the real xunit runner.)
/// </summary>
[Collection(GuestCollection.Name)]
[Trait(GuestKernel.Ring, GuestKernel.GuestRunner)]
public sealed class GuestRingTests(ITestOutputHelper log)
{
    [Fact]
    public async Task GuestRing_EveryGuestTest_PassesUnderTheGuestKernel()
    {
        var expected = GuestTestRunner.GuestTestNames();
        Assert.NotEmpty(expected);
        var assembly = typeof(GuestRingTests).Assembly.Location;

        var run = await GuestRunner.RunAsync(
            ["--mem", "768", "--timeout", "600", "--timings", "--env", "DOTNET_STARTUP_HOOKS=" + assembly, "--env", GuestTestRunner.RunVariable + "=1"],
            ["dotnet", "exec", assembly],
            log,
            workingDirectory: Path.GetDirectoryName(assembly));

        var lines = run.Output.Split('\n');
        var failed = lines.Where(l => l.StartsWith(GuestTestRunner.Fail, StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count == 0 && run.ExitCode == 0, $"guest ring exited {run.ExitCode}:\n{run.Output}\n{run.Error}");
        var passed = lines.Where(l => l.StartsWith(GuestTestRunner.Pass, StringComparison.Ordinal))
            .Select(l => l[GuestTestRunner.Pass.Length..].Split(' ')[0])
            .ToHashSet();
        Assert.All(expected, name => Assert.True(passed.Contains(name), $"{name} did not pass in the guest"));
    }
}
