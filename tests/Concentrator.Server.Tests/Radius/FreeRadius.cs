using System.Diagnostics;
using System.Text;

namespace Concentrator.Server.Tests.Radius;

/// <summary>
/// A real FreeRADIUS (Debian's <c>freeradius</c>, 3.2.x) for one test class: Debian's /etc/freeradius/3.0 copied into
/// a temporary directory and trimmed to what the tests need (one virtual server listening on 127.0.0.1 on the
/// given ports, EAP-MD5 and EAP-MSCHAPv2, the users file with alice/password, the detail module for accounting),
/// run in the foreground with <c>freeradius -X -d DIR</c> (or, for benchmarks, <c>-f</c>: threaded, no debug output)
/// and killed on Dispose.
/// </summary>
public sealed class FreeRadius : IDisposable
{
    public const string Secret = "testing123-concentrator";

    private readonly StringBuilder _output = new();
    private readonly bool _debug;
    private readonly string? _netns;
    private readonly FreeRadiusTls? _tls;
    private readonly string _users;
    private Process? _process;

    /// <param name="netns">A network namespace to run it in (its 127.0.0.1), e.g. an interop lab's gateway; null: this one.</param>
    /// <param name="tls">PEM files for EAP-TLS (its certificate, key, and the CA clients' certificates must chain to);
    /// null: no EAP-TLS.</param>
    /// <param name="users">More entries for the users file (FreeRADIUS "files" syntax), e.g. reply items for a user.</param>
    public FreeRadius(int authPort, int acctPort, bool debug = true, string? netns = null, FreeRadiusTls? tls = null, string users = "")
    {
        _users = users;
        _debug = debug;
        _netns = netns;
        _tls = tls;
        AuthPort = authPort;
        AcctPort = acctPort;
        Directory = Path.Combine(Path.GetTempPath(), "rad-" + Guid.NewGuid().ToString("N")[..10]);
        WriteConfig();
        Start();
    }

    public int AuthPort { get; }

    public int AcctPort { get; }

    public string Directory { get; }

    /// <summary>Where the detail module writes accounting records.</summary>
    public string DetailFile => Path.Combine(Directory, "log", "radacct", "detail");

    /// <summary>What radiusd -X printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Start()
    {
        lock (_output)
        {
            _output.Clear();
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Debian installs it as /usr/sbin/freeradius, which a test runner's PATH may leave out.
        var binary = File.Exists("/usr/sbin/freeradius") ? "/usr/sbin/freeradius" : "freeradius";
        var args = _debug ? $"-X -d {Directory}" : $"-f -l stdout -d {Directory}";
        // ip netns exec execs the server, so killing the process kills it.
        var psi = new ProcessStartInfo(_netns is null ? binary : "ip", _netns is null ? args : $"netns exec {_netns} {binary} {args}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = psi };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Ready to process requests", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        if (!ready.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            Stop();
            throw new InvalidOperationException($"freeradius -d {Directory} did not become ready:\n{Output}");
        }
    }

    public void Stop()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The eap module's tls section (RFC 5216): TLS 1.2, the client's certificate checked against the CA.</summary>
    private string Tls()
    {
        if (_tls is null)
        {
            return "";
        }

        var dir = Path.Combine(Directory, "certs", "eap-tls");
        System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "server.pem"), _tls.CertificatePem);
        File.WriteAllText(Path.Combine(dir, "server.key"), _tls.KeyPem);
        File.WriteAllText(Path.Combine(dir, "ca.pem"), _tls.CaPem);
        return $$"""
            	tls-config tls-common {
            		private_key_file = {{dir}}/server.key
            		certificate_file = {{dir}}/server.pem
            		ca_file = {{dir}}/ca.pem
            		ca_path = {{dir}}
            		cipher_list = "DEFAULT"
            		tls_min_version = "1.2"
            		tls_max_version = "{{_tls.MaxVersion}}"
            		ecdh_curve = ""
            		fragment_size = 1024
            	}
            	tls {
            		tls = tls-common
            	}
            """;
    }

    private void WriteConfig()
    {
        var d = Directory;
        TestProcess.Run("cp", $"-a /etc/freeradius/3.0/. {d}/");
        var conf = Path.Combine(d, "radiusd.conf");
        var lines = File.ReadAllLines(conf).Select(l => l.TrimStart() switch
        {
            var t when t.StartsWith("raddbdir = ", StringComparison.Ordinal) => $"raddbdir = {d}",
            var t when t.StartsWith("logdir = ", StringComparison.Ordinal) => $"logdir = {d}/log",
            var t when t.StartsWith("run_dir = ", StringComparison.Ordinal) => $"run_dir = {d}/run",
            // The test runs as root in its own directory; Debian's freerad user could not read it.
            var t when t.StartsWith("user = freerad", StringComparison.Ordinal) || t.StartsWith("group = freerad", StringComparison.Ordinal) => "#" + l,
            var t when t.StartsWith("proxy_requests", StringComparison.Ordinal) => "proxy_requests = no",
            _ => l,
        });
        File.WriteAllLines(conf, lines);
        System.IO.Directory.CreateDirectory(Path.Combine(d, "log"));
        System.IO.Directory.CreateDirectory(Path.Combine(d, "run"));
        foreach (var dir in new[] { "mods-enabled", "sites-enabled" })
        {
            foreach (var f in System.IO.Directory.GetFiles(Path.Combine(d, dir)))
            {
                File.Delete(f);
            }
        }

        foreach (var module in new[] { "always", "expr", "files", "mschap", "pap" })
        {
            File.CreateSymbolicLink(Path.Combine(d, "mods-enabled", module), Path.Combine(d, "mods-available", module));
        }

        File.WriteAllText(Path.Combine(d, "mods-enabled", "eap"), $$"""
            eap {
            	default_eap_type = md5
            	timer_expire = 60
            	ignore_unknown_eap_types = no
            	max_sessions = ${max_requests}
            	md5 {
            	}
            	mschapv2 {
            	}
            {{Tls()}}
            }
            """);
        File.WriteAllText(Path.Combine(d, "mods-enabled", "detail"), """
            detail {
            	filename = ${radacctdir}/detail
            	escape_filenames = no
            	permissions = 0600
            	header = "%t"
            }
            """);
        File.WriteAllText(Path.Combine(d, "sites-enabled", "concentrator"), $$"""
            server concentrator {
            	listen {
            		type = auth
            		ipaddr = 127.0.0.1
            		port = {{AuthPort}}
            	}
            	listen {
            		type = acct
            		ipaddr = 127.0.0.1
            		port = {{AcctPort}}
            	}
            	authorize {
            		eap {
            			ok = return
            		}
            		files
            		pap
            	}
            	authenticate {
            		Auth-Type PAP {
            			pap
            		}
            		Auth-Type MS-CHAP {
            			mschap
            		}
            		eap
            	}
            	accounting {
            		detail
            		ok
            	}
            	post-auth {
            		Post-Auth-Type REJECT {
            			eap
            		}
            	}
            }
            """);
        File.WriteAllText(Path.Combine(d, "clients.conf"), $$"""
            client concentrator-tests {
            	ipaddr = 127.0.0.1
            	secret = {{Secret}}
            	require_message_authenticator = yes
            }
            """);
        File.WriteAllText(Path.Combine(d, "mods-config", "files", "authorize"), """
            alice	Cleartext-Password := "password"
            	Class = "tenant-a",
            	Framed-IP-Address = 10.77.0.9

            """ + _users);
    }
}

/// <summary>What FreeRADIUS needs for EAP-TLS: its certificate and key, and the CA of the clients (PEM).</summary>
public sealed record FreeRadiusTls(string CertificatePem, string KeyPem, string CaPem, string MaxVersion = "1.2");

/// <summary>Runs a command and returns its output; throws with it when the command fails.</summary>
internal static class TestProcess
{
    public static string Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout.Result + stderr : throw new InvalidOperationException($"{file} {args} exited {p.ExitCode}: {stdout.Result}{stderr}");
    }
}
