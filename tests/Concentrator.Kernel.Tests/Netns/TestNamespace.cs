using System.Diagnostics;

namespace Concentrator.Kernel.Tests.Netns;

/// <summary>
/// A network namespace made for one test (<c>ip netns add</c>), with lo up, deleted on Dispose. Everything a
/// test installs lives and dies with it, so tests never touch the host's XFRM tables.
/// </summary>
public sealed class TestNamespace : IDisposable
{
    public TestNamespace()
    {
        Name = "czk-" + Guid.NewGuid().ToString("N")[..10];
        Run("ip", $"netns add {Name}");
        Ip("link set lo up");
    }

    public string Name { get; }

    /// <summary>Path a socket or thread enters with setns.</summary>
    public string Path => "/var/run/netns/" + Name;

    /// <summary>Runs <c>ip -n NAME args</c> and returns its output; throws with stderr when it fails.</summary>
    public string Ip(string args) => Run("ip", $"-n {Name} {args}");

    /// <summary>Runs <c>ip -n NAME args</c> and returns (exit code, stdout + stderr) without throwing.</summary>
    public (int ExitCode, string Output) TryIp(string args) => TryRun("ip", $"-n {Name} {args}");

    /// <summary>Number of policies the kernel of this namespace holds, as <c>ip xfrm policy list</c> prints them.</summary>
    public int PolicyCountByIp() =>
        Ip("xfrm policy list").Split('\n').Count(l => l.StartsWith("src ", StringComparison.Ordinal));

    public static string Run(string file, string args)
    {
        var (code, output) = TryRun(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {args} exited {code}: {output}");
    }

    public static (int ExitCode, string Output) TryRun(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    public void Dispose() => TryRun("ip", $"netns del {Name}");
}
