using Xunit.Abstractions;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// The runner's contract (run-in-guest.sh): it boots another kernel, passes output, exit code and the
/// read-write shares through, and reports a timeout and a dead guest with their own exit codes. Each test
/// is one boot of ~5 s.
/// </summary>
[Collection(GuestCollection.Name)]
[Trait(GuestKernel.Ring, GuestKernel.GuestRunner)]
public sealed class GuestRunnerTests(ITestOutputHelper log)
{
    [Fact]
    public async Task RunInGuest_CommandExitsSeven_OutputExitCodeAndSharedFilesComeBack()
    {
        var shared = Directory.CreateTempSubdirectory("guest-rw-");
        try
        {
            var script = $"""
                echo "guest=$CONCENTRATOR_GUEST kernel=$(uname -r)"
                echo "to stderr" >&2
                echo written-in-guest > {shared.FullName}/result.txt
                echo discarded > /etc/concentrator-guest-overlay-probe
                exit 7
                """;
            var run = await GuestRunner.RunAsync(["--mem", "256", "--timeout", "120", "--rw", shared.FullName], ["bash", "-c", script], log);

            Assert.Equal(7, run.ExitCode);
            Assert.Contains("guest=1 kernel=", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("kernel=" + HostKernelRelease() + "\n", run.Output, StringComparison.Ordinal);
            Assert.Contains("to stderr", run.Error, StringComparison.Ordinal);
            Assert.Equal("written-in-guest\n", File.ReadAllText(Path.Combine(shared.FullName, "result.txt")));
            // the guest's root is an overlay thrown away at power-off: its writes never reach the host
            Assert.False(File.Exists("/etc/concentrator-guest-overlay-probe"));
        }
        finally
        {
            shared.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunInGuest_CommandOutlivesTimeout_Exits124()
    {
        var run = await GuestRunner.RunAsync(["--mem", "256", "--timeout", "10"], ["sleep", "300"], log);

        Assert.Equal(GuestRunner.TimedOut, run.ExitCode);
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task RunInGuest_GuestKernelCrashes_Exits125()
    {
        // sysrq c crashes the kernel on purpose; panic=-1 and -no-reboot turn that into the end of QEMU
        var run = await GuestRunner.RunAsync(["--mem", "256", "--timeout", "120"], ["bash", "-c", "echo c > /proc/sysrq-trigger; sleep 60"], log);

        Assert.Equal(GuestRunner.GuestDied, run.ExitCode);
        Assert.Contains("guest ended before the command finished", run.Error, StringComparison.Ordinal);
    }

    private static string HostKernelRelease() => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
}

/// <summary>Guest boots share two cores: one at a time keeps each fast and their timings meaningful.</summary>
[CollectionDefinition(Name)]
public sealed class GuestCollection
{
    public const string Name = "Guest kernel boots";
}
