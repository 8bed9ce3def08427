using System.Diagnostics;
using System.Globalization;
using System.Text;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

/// <summary>
/// One libreswan 4.x pluto in a network namespace of the guest, with a directory of its own: its control socket and
/// dumps (<c>--rundir</c>), its NSS database (<c>--nssdir</c>, created empty with certutil) and the lab's shared
/// ipsec.conf/ipsec.secrets (<c>--config</c> first, so the options after it win over <c>config setup</c>). It runs
/// in the foreground (<c>--nofork --stderrlog</c>) and is driven the way the <c>ipsec</c> script drives it:
/// <c>addconn</c> loads a conn, <c>whack</c> does the rest. Needs libreswan's files in /usr
/// (<see cref="LibreswanLab"/> copies them into the guest's overlay root).
/// </summary>
internal sealed class Pluto : IDisposable
{
    public const string ExecDir = "/usr/libexec/ipsec";

    private readonly StringBuilder _log = new();
    private readonly Process _process;
    private readonly string _conf;

    /// <param name="identity">When set: a PKCS#12 file (certificate and key, with its nickname) imported into the NSS
    /// database before pluto opens it, with its password, and the CA certificate (PEM) trusted for peers ("CT,,").</param>
    public Pluto(string ns, string directory, string conf, string secrets, (string P12, string Password, string CaPem)? identity = null)
    {
        Namespace = ns;
        _conf = conf;
        var run = Directory.CreateDirectory(Path.Combine(directory, "run")).FullName;
        var nss = Directory.CreateDirectory(Path.Combine(directory, "nss")).FullName;
        ControlSocket = Path.Combine(run, "pluto.ctl");
        var certutil = Tool.Run("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
        Assert.True(certutil.ExitCode == 0, "certutil -N failed (libnss3-tools, scripts/install-test-deps.sh): " + certutil);
        if (identity is var (p12, password, ca))
        {
            var trust = Tool.Run("certutil", "-A", "-d", "sql:" + nss, "-n", "ca", "-t", "CT,,", "-a", "-i", ca);
            Assert.True(trust.ExitCode == 0, "certutil -A (the CA) failed: " + trust);
            var import = Tool.Run("pk12util", "-i", p12, "-d", "sql:" + nss, "-W", password);
            Assert.True(import.ExitCode == 0, "pk12util -i failed: " + import);
        }

        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "netns", "exec", ns, Path.Combine(ExecDir, "pluto"), "--config", conf, "--nofork", "--stderrlog",
            "--rundir", run, "--dumpdir", run, "--ipsecdir", Path.GetDirectoryName(conf)!, "--nssdir", nss,
            "--secretsfile", secrets, "--no-dnssec",
        })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Namespace { get; }

    public string ControlSocket { get; }

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

    /// <summary>pluto has opened its control socket (it does so after loading NSS and probing the kernel).</summary>
    public bool IsReady => File.Exists(ControlSocket) || _process.HasExited;

    /// <summary>Loads conn <paramref name="conn"/> of the lab's ipsec.conf (<c>ipsec add</c>) and lets pluto look for
    /// its interfaces again (<c>ipsec whack --listen</c>), then reads the secrets. <paramref name="conf"/>: another
    /// ipsec.conf to take the conn from.</summary>
    public void Add(string conn, string? conf = null)
    {
        Assert.False(_process.HasExited, "pluto exited:\n" + Log);
        var add = Exec(60, Path.Combine(ExecDir, "addconn"), "--ctlsocket", ControlSocket, "--config", conf ?? _conf, conn);
        Assert.True(add.ExitCode == 0, $"addconn {conn} failed: {add}\n{Log}");
        var listen = Whack(60, "--listen");
        Assert.True(listen.ExitCode == 0, $"whack --listen failed: {listen}\n{Log}");
    }

    /// <summary><c>ipsec whack ARGS</c> against this pluto, bounded by <paramref name="seconds"/>.</summary>
    public ToolResult Whack(int seconds, params string[] args) =>
        Exec(seconds, Path.Combine(ExecDir, "whack"), ["--ctlsocket", ControlSocket, .. args]);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        _process.Dispose();
    }

    private ToolResult Exec(int seconds, string file, params string[] args) =>
        Tool.Run("ip", ["netns", "exec", Namespace, "timeout", seconds.ToString(CultureInfo.InvariantCulture), file, .. args]);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
