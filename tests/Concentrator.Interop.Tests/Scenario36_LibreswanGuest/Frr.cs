using System.Diagnostics;
using System.Text;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

/// <summary>
/// FRR's zebra and ospfd (Debian's frr package) in one network namespace of the guest, run from their binaries in the
/// foreground with a directory of their own for the configuration, the pid files, the zserv socket and the vty
/// sockets (so that several run side by side and the package's own instance, if any, is not touched). The daemons
/// drop to the package's user frr, which therefore owns that directory.
/// </summary>
internal sealed class Frr : IDisposable
{
    private const string Daemons = "/usr/lib/frr";

    private readonly StringBuilder _log = new();
    private readonly string _dir;
    private readonly Process _zebra;
    private readonly Process? _ospfd;

    public Frr(string ns, string directory, string ospfdConf)
    {
        Namespace = ns;
        _dir = Directory.CreateDirectory(directory).FullName;
        File.WriteAllText(Path.Combine(_dir, "zebra.conf"), $"hostname {ns}\nlog stdout informational\n");
        File.WriteAllText(Path.Combine(_dir, "ospfd.conf"), ospfdConf);
        var chown = Tool.Run("chown", "-R", "frr:frr", _dir);
        Assert.True(chown.ExitCode == 0, "chown frr (the frr package, scripts/install-test-deps.sh): " + chown);
        var zserv = Path.Combine(_dir, "zserv.api");
        _zebra = Start("zebra");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!File.Exists(zserv))
        {
            Assert.True(DateTime.UtcNow < deadline && !_zebra.HasExited, "zebra did not open its zserv socket:\n" + Log);
            Thread.Sleep(250);
        }

        _ospfd = Start("ospfd");
    }

    public string Namespace { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary><c>vtysh -c COMMAND</c> against these daemons.</summary>
    public ToolResult Vtysh(string command) => Tool.Run("ip", "netns", "exec", Namespace, "vtysh", "--vty_socket", _dir, "-c", command);

    public void Dispose()
    {
        foreach (var p in new[] { _ospfd, _zebra })
        {
            if (p is null)
            {
                continue;
            }

            if (!p.HasExited)
            {
                p.Kill();
                p.WaitForExit(TimeSpan.FromSeconds(5));
            }

            p.Dispose();
        }
    }

    private Process Start(string daemon)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "netns", "exec", Namespace, Path.Combine(Daemons, daemon), "-f", Path.Combine(_dir, daemon + ".conf"),
            "-i", Path.Combine(_dir, daemon + ".pid"), "-z", Path.Combine(_dir, "zserv.api"), "--vty_socket", _dir,
        })
        {
            info.ArgumentList.Add(a);
        }

        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, e) => Append(daemon, e.Data);
        p.ErrorDataReceived += (_, e) => Append(daemon, e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private void Append(string daemon, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Append(daemon).Append(": ").AppendLine(line);
        }
    }
}
