using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Concentrator.Host.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Pools;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>
/// A fresh gateway for one interop test: three namespaces (gateway, road warrior, LAN host 198.51.100.10; a fourth,
/// a NAT between road and gateway, on request), the real concentrator process serving the repository's HOCON.conf
/// (or a copy with <see cref="GatewayOverrides"/>) in the gateway namespace, and helpers to run a strongSwan road
/// warrior (charon-systemd + swanctl, kernel-libipsec, PSK) against it. Names carry a per-lab counter so labs of
/// different test classes can run side by side.
/// </summary>
internal sealed partial class RoadWarriorLab : IDisposable
{
    private static int _counter;
    private readonly string _gw;
    private readonly string _road;
    private readonly string _lan;
    private readonly string? _nat;
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _swanctl;
    private readonly StringBuilder _hostLog = new();
    private readonly Process _concentrator;
    private Process? _charon;

    /// <summary>
    /// Builds the namespaces and starts the gateway. <paramref name="behindNat"/> puts a NAT namespace between
    /// road and gateway (see <see cref="BuildBehindNat"/>); <paramref name="overrides"/> starts the gateway on a
    /// modified copy of the repository's configuration instead of the repository's HOCON.conf itself;
    /// <paramref name="ipv6Outer"/> gives road and gateway IPv6 addresses only (see <see cref="BuildIpv6"/>);
    /// <paramref name="namespacePrefix"/> starts the namespaces' names (a scenario family keeps its own).
    /// </summary>
    public RoadWarriorLab(bool behindNat = false, GatewayOverrides? overrides = null, bool ipv6Outer = false, string namespacePrefix = "rw")
    {
        var tag = Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        _gw = namespacePrefix + "-gw-" + tag;
        _road = namespacePrefix + "-road-" + tag;
        _lan = namespacePrefix + "-lan-" + tag;
        _nat = behindNat ? namespacePrefix + "-nat-" + tag : null;
        _swanctl = new() { ["STRONGSWAN_CONF"] = Path.Combine(_dir.Path, "strongswan.conf") };
        Cleanup();
        foreach (var ns in Namespaces)
        {
            Shell.Must("ip", "netns", "add", ns);
            Shell.Must("ip", "-n", ns, "link", "set", "lo", "up");
        }

        if (ipv6Outer)
        {
            BuildIpv6(_nat);
        }
        else if (_nat is null)
        {
            BuildDirect();
        }
        else
        {
            BuildBehindNat(_nat);
        }

        Shell.Must("ip", "link", "add", "rw-gwl", "netns", _gw, "type", "veth", "peer", "name", "rw-lan0", "netns", _lan);
        Shell.Must("ip", "-n", _gw, "addr", "add", "198.51.100.1/24", "dev", "rw-gwl");
        Shell.Must("ip", "-n", _lan, "addr", "add", LanHost + "/24", "dev", "rw-lan0");
        Shell.Must("ip", "-n", _gw, "link", "set", "rw-gwl", "up");
        Shell.Must("ip", "-n", _lan, "link", "set", "rw-lan0", "up");
        Shell.Must("ip", "-n", _lan, "route", "add", "default", "via", "198.51.100.1");
        Shell.Must("ip", "netns", "exec", _gw, "sysctl", "-qw", "net.ipv4.ip_forward=1");

        // The gateway runs the repository's HOCON.conf and config/ (copied, plus the lab's overrides), with its lease
        // journal in the lab's folder: labs must not inherit each other's leases through /var/lib/concentrator.
        var main = (overrides ?? new GatewayOverrides()).WriteCopy(Path.Combine(RepoPaths.Root, "HOCON.conf"), Path.Combine(_dir.Path, "gateway"));
        GatewayMainFile = main;

        var node = ConfigLoader.Load(main).ToNodeDefinition();
        var connection = node.Connections[0];
        Server = node.Server;
        Connection = connection;
        GatewayId = connection.Local.Id;
        Psk = Encoding.UTF8.GetString(node.Secrets.Lookup("road@e2e.test")!);
        Pool = connection.Pools[0];

        // The address the pool itself hands out first, computed by the pool rather than written down here.
        FirstPoolAddress = new AddressPool(Pool).Acquire("probe", 1)!;
        WriteStrongSwanConf();
        _concentrator = StartConcentrator(main);
    }

    /// <summary>The LAN host behind the gateway, the target of every ping.</summary>
    public static IPAddress LanHost { get; } = IPAddress.Parse("198.51.100.10");

    /// <summary>The gateway's main file (the lab's copy); its connection files are in <see cref="GatewayConfigDir"/>.</summary>
    public string GatewayMainFile { get; }

    /// <summary>The folder of the connection files the gateway serves (the lab's copies, for a test to edit).</summary>
    public string GatewayConfigDir => Path.Combine(Path.GetDirectoryName(GatewayMainFile)!, "config");

    /// <summary>Sends the concentrator <paramref name="signal"/> (e.g. "HUP").</summary>
    public void SignalConcentrator(string signal) => Shell.Must("kill", "-" + signal, _concentrator.Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The server section the gateway runs with (retransmission settings among others).</summary>
    public ServerSettings Server { get; }

    /// <summary>The example connection the gateway serves (the first of the repository's config/).</summary>
    public ConnectionSettings Connection { get; }

    public string GatewayId { get; }

    /// <summary>The gateway's network namespace (where its services, e.g. a RADIUS server on 127.0.0.1, run).</summary>
    public string GatewayNamespace => _gw;

    /// <summary>The LAN host's namespace (198.51.100.10 behind the gateway), where a scenario may run servers the
    /// gateway itself talks to (revocation's CRL and OCSP servers).</summary>
    public string LanNamespace => _lan;

    public string Psk { get; }

    public IPNetwork Pool { get; }

    public IPAddress FirstPoolAddress { get; }

    public string CharonLog => File.Exists(Path.Combine(_dir.Path, "charon.log")) ? File.ReadAllText(Path.Combine(_dir.Path, "charon.log")) : "";

    public string HostLog
    {
        get
        {
            lock (_hostLog)
            {
                return _hostLog.ToString();
            }
        }
    }

    /// <summary>Starts charon-systemd in the road namespace and waits for its vici socket.</summary>
    /// <summary>charon's <c>tls.version_max</c> (libtls, EAP-TLS): strongSwan 5.9's default is 1.2; set before
    /// <see cref="StartCharon"/>.</summary>
    public string TlsVersionMax { get; set; } = "1.2";

    public void StartCharon()
    {
        WriteStrongSwanConf();
        _charon = Start("ip", "netns", "exec", _road, "env", "STRONGSWAN_CONF=" + _swanctl["STRONGSWAN_CONF"], "/usr/sbin/charon-systemd");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Shell.Run(_swanctl, "swanctl", "--stats").Code != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "charon-systemd did not open its vici socket within 10 s");
            Thread.Sleep(50);
        }
    }

    /// <summary>SIGKILL: charon vanishes without telling the gateway anything.</summary>
    public void KillCharon()
    {
        var charon = _charon!;
        Shell.Run("kill", "-KILL", charon.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(charon.WaitForExit(TimeSpan.FromSeconds(5)), "charon did not die");
        charon.Dispose();
        _charon = null;

        // charon-systemd's TUN device of kernel-libipsec dies with it; its leftover routes go with the device.
        Shell.Run("rm", "-f", Path.Combine(_dir.Path, "charon.vici"));
    }

    /// <summary>Loads connection "home" (child "lan") for <paramref name="identity"/> into the running charon;
    /// <paramref name="ikeOptions"/> and <paramref name="childOptions"/> are extra swanctl lines for the connection
    /// and the child (rekey times, say).</summary>
    public void Load(string identity, string psk, string proposals = "aes256gcm16-prfsha256-x25519", string espProposals = "aes256gcm16",
        string vip = "0.0.0.0", string ikeOptions = "", string childOptions = "")
    {
        var file = _dir.Write("swanctl.conf", $$"""
            connections {
            {{SwanctlConnections.Connection("home", GatewayAddress, SwanctlConnections.Psk(identity), SwanctlConnections.Psk(GatewayId), proposals, espProposals, vip, ikeOptions, childOptions)}}
            }
            secrets {
                ike-gw {
                    id-1 = {{identity}}
                    secret = "{{psk}}"
                }
            }
            """);
        var (code, output) = Shell.Run(_swanctl, "swanctl", "--load-all", "--clear", "--file", file);
        Assert.True(code == 0, "swanctl --load-all failed:\n" + output);
    }

    /// <summary>Loads a whole swanctl.conf (any number of connections) into the running charon.</summary>
    public void LoadConf(string swanctlConf)
    {
        var (code, output) = Shell.Run(_swanctl, "swanctl", "--load-all", "--clear", "--file", _dir.Write("swanctl.conf", swanctlConf));
        Assert.True(code == 0, "swanctl --load-all failed:\n" + output);
    }

    /// <summary>Runs swanctl against this lab's charon, bounded by <paramref name="seconds"/>.</summary>
    public (int Code, string Output) Swanctl(int seconds, params string[] args) => Shell.Run(_swanctl, "timeout", [seconds.ToString(CultureInfo.InvariantCulture), "swanctl", .. args]);

    public (int Code, string Output) Initiate() => Shell.Run(_swanctl, "timeout", "12", "swanctl", "--initiate", "--ike", "home", "--child", "lan");

    public void MustInitiate()
    {
        var (code, output) = Initiate();
        Assert.True(code == 0, "swanctl --initiate failed:\n" + output + "\nhost:\n" + HostLog);
    }

    /// <summary>Initiates "home", asserts the IKE SA is up with a UDP-encapsulated CHILD SA installed and a virtual IP
    /// from the pool, and returns that address.</summary>
    public IPAddress MustEstablish()
    {
        MustInitiate();
        var sas = ListSas();
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
        var vip = VirtualIp(sas);
        Assert.True(Pool.Contains(vip), vip + " is not from the pool " + Pool);
        return vip;
    }

    public (int Code, string Output) Terminate() => Shell.Run(_swanctl, "timeout", "8", "swanctl", "--terminate", "--ike", "home");

    public string ListSas() => Shell.Run(_swanctl, "swanctl", "--list-sas").Output;

    /// <summary>The virtual IP charon shows for its IKE SA.</summary>
    public static IPAddress VirtualIp(string sas)
    {
        var match = VipPattern().Match(sas);
        Assert.True(match.Success, "no virtual IP in:\n" + sas);
        return IPAddress.Parse(match.Groups[1].Value);
    }

    /// <summary>Pings the LAN host from the road namespace, from <paramref name="source"/> when given.</summary>
    public (int Code, string Output) Ping(int count = 2, IPAddress? source = null, string? interval = null)
    {
        var args = new List<string> { "netns", "exec", _road, "ping", "-c", count.ToString(CultureInfo.InvariantCulture), "-W", "2" };
        if (interval is not null)
        {
            args.AddRange(["-i", interval]);
        }

        if (source is not null)
        {
            args.AddRange(["-I", source.ToString()]);
        }

        args.Add(LanHost.ToString());
        return Shell.Run("ip", [.. args]);
    }

    /// <summary>Pings <paramref name="target"/> (a road warrior's virtual IP) from the LAN host.</summary>
    public (int Code, string Output) PingFromLan(IPAddress target, int count = 1) =>
        Shell.Run("ip", "netns", "exec", _lan, "ping", "-c", count.ToString(CultureInfo.InvariantCulture), "-W", "1", target.ToString());

    /// <summary>Captures IPv4 (or what <paramref name="filter"/> says) on the gateway's side of the link towards the road warrior (or the NAT).</summary>
    public PacketCapture CaptureGatewayUplink(string filter = "ip") => new(_gw, "rw-gw0", filter);

    /// <summary>Waits until the host log holds <paramref name="text"/>; false after <paramref name="timeout"/>.</summary>
    public bool WaitForHostLog(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!HostLog.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }

    /// <summary>SIGTERM to the concentrator; its exit code, or null when it is still running after <paramref name="timeout"/>.</summary>
    public int? StopConcentrator(TimeSpan timeout)
    {
        Shell.Must("kill", "-TERM", _concentrator.Id.ToString(CultureInfo.InvariantCulture));
        return _concentrator.WaitForExit(timeout) ? _concentrator.ExitCode : null;
    }

    /// <summary>Whether the gateway namespace has a link named <paramref name="name"/>.</summary>
    public bool GatewayHasLink(string name) => Shell.Run("ip", "-n", _gw, "link", "show", name).Code == 0;

    public void Dispose()
    {
        foreach (var p in new[] { _charon, _concentrator })
        {
            if (p is not null)
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    p.WaitForExit(TimeSpan.FromSeconds(5));
                }

                p.Dispose();
            }
        }

        Cleanup();
        _dir.Dispose();
    }

    [GeneratedRegex(@"\[(\d+\.\d+\.\d+\.\d+)\]")]
    private static partial Regex VipPattern();

    private void Cleanup()
    {
        foreach (var ns in Namespaces)
        {
            Shell.Run("ip", "netns", "del", ns);
        }
    }

    private Process StartConcentrator(string main)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "concentrator.dll");
        var p = Start("ip", "netns", "exec", _gw, "dotnet", dll, "run", "--config", main);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var line = p.StandardOutput.ReadLine();
            if (line is null)
            {
                break;
            }

            Append(line);
            if (line.StartsWith("running:", StringComparison.Ordinal))
            {
                _ = Task.Run(() =>
                {
                    while (p.StandardOutput.ReadLine() is { } more)
                    {
                        Append(more);
                    }
                });
                return p;
            }
        }

        Assert.Fail("concentrator did not start:\n" + HostLog + p.StandardError.ReadToEnd());
        throw new UnreachableException();
    }

    private void Append(string line)
    {
        lock (_hostLog)
        {
            _hostLog.AppendLine(line);
        }
    }

    private static Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var p = Process.Start(info)!;
        p.StandardInput.Close();
        _ = p.StandardError.ReadToEndAsync();
        return p;
    }

    private void WriteStrongSwanConf()
    {
        var dir = _dir.Path;
        _dir.Write("strongswan.conf", $$"""
            charon {
                load_modular = no
                load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici eap-identity eap-md5 eap-mschapv2 eap-tls
                retransmit_tries = 2
                retransmit_timeout = 1.0
                tls {
                    version_max = {{TlsVersionMax}}
                }
                threads = 32
                filelog {
                    main {
                        path = {{dir}}/charon.log
                        default = 1
                        ike = 2
                        flush_line = yes
                    }
                }
                syslog {
                    daemon {
                        default = -1
                    }
                }
                plugins {
                    vici {
                        socket = unix://{{dir}}/charon.vici
                    }
                }
            }
            swanctl {
                socket = unix://{{dir}}/charon.vici
            }
            """);
    }
}
