using System.Diagnostics;
using System.Globalization;
using System.Text;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario09_GuestKernel;

/// <summary>
/// The lab of scenario 9, inside the guest kernel: namespaces gw (192.0.2.1, 198.51.100.1), road (192.0.2.2) and
/// lan (198.51.100.10); the real Host process in gw on the kernel dataplane (it creates ipsec1 with if_id 1 and
/// installs XFRM states and policies through netlink); charon-systemd in road on the kernel-netlink plugin (kernel
/// ESP, no kernel-libipsec and so no faked NAT: the CHILD SA carries plain ESP, protocol 50). Charon starts while
/// the Host is still starting: under TCG each costs seconds.
/// </summary>
internal sealed class KernelDataplaneLab : IDisposable
{
    /// <summary>The gateway's device towards the road warriors.</summary>
    public const string Uplink = "s9-gw0";
    public const string GatewayAddress = "192.0.2.1";
    public const string RoadAddress = "192.0.2.2";
    public const string LanHost = "198.51.100.10";
    public const string LanNet = "198.51.100.0/24";
    public const string Pool = "10.99.0.0/24";
    public const string GatewayId = "gw.s9.test";
    public const string RoadId = "road@s9.test";
    private const string Psk = "guest-kernel-scenario-nine-preshared-key";

    private readonly TempDir _dir = new();
    private readonly StringBuilder _hostLog = new();
    private readonly Dictionary<string, string> _swanctl;
    private readonly Process _host;
    private readonly Process _charon;

    /// <summary>A lab whose names start with s9<paramref name="tag"/> (labs with different tags could run side by side;
    /// under TCG on two vCPUs they are faster one after the other).</summary>
    public KernelDataplaneLab(string tag)
    {
        Gw = $"s9{tag}-gw";
        Road = $"s9{tag}-road";
        Lan = $"s9{tag}-lan";
        _ = WarmUp.Value;
        Cleanup();
        Tool.IpBatch(null,
            $"netns add {Gw}", $"netns add {Road}", $"netns add {Lan}",
            $"link add s9-gw0 netns {Gw} type veth peer name s9-road0 netns {Road}",
            $"link add s9-gwl netns {Gw} type veth peer name s9-lan0 netns {Lan}");
        Tool.IpBatch(Gw, "link set lo up", $"addr add {GatewayAddress}/24 dev s9-gw0", "link set s9-gw0 up",
            "addr add 198.51.100.1/24 dev s9-gwl", "link set s9-gwl up");
        Tool.IpBatch(Road, "link set lo up", $"addr add {RoadAddress}/24 dev s9-road0", "link set s9-road0 up");
        Tool.IpBatch(Lan, "link set lo up", $"addr add {LanHost}/24 dev s9-lan0", "link set s9-lan0 up", "route add default via 198.51.100.1");
        Shell.Must("ip", "netns", "exec", Gw, "sysctl", "-qw", "net.ipv4.ip_forward=1");

        _swanctl = new() { ["STRONGSWAN_CONF"] = WriteStrongSwanConf() };
        var main = WriteGatewayConf();
        var clock = Stopwatch.StartNew();
        _host = Start("ip", "netns", "exec", Gw, "dotnet", Path.Combine(AppContext.BaseDirectory, "concentrator.dll"), "run", "--config", main);
        _charon = Start("ip", "netns", "exec", Road, "env", "STRONGSWAN_CONF=" + _swanctl["STRONGSWAN_CONF"], "/usr/sbin/charon-systemd");
        _host.StandardError.ReadToEndAsync().ContinueWith(t => Append("stderr: " + t.Result), TaskScheduler.Default);
        _charon.StandardOutput.ReadToEndAsync();
        _charon.StandardError.ReadToEndAsync();
        WaitForHostRunning();
        HostStartup = clock.Elapsed;
        // Each swanctl exec costs about a second under TCG: look for the socket file before asking charon.
        var vici = Path.Combine(_dir.Path, "charon.vici");
        WaitFor(() => File.Exists(vici) && Swanctl(10, "--stats").Code == 0, TimeSpan.FromSeconds(60), "charon-systemd did not open its vici socket");
    }

    public string Gw { get; }

    public string Road { get; }

    public string Lan { get; }

    /// <summary>How long the Host took from exec to "running:" (dotnet start-up and JIT under TCG dominate).</summary>
    public TimeSpan HostStartup { get; }

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

    public string CharonLog => File.Exists(Path.Combine(_dir.Path, "charon.log")) ? File.ReadAllText(Path.Combine(_dir.Path, "charon.log")) : "";

    /// <summary>Everything a failed assertion should show.</summary>
    public string Diagnostics() =>
        $"--- host log\n{HostLog}\n--- charon log (tail)\n{Tail(CharonLog, 80)}\n{Tool.Describe(Gw)}\n{Tool.Describe(Road)}";

    public (int Code, string Output) Swanctl(int seconds, params string[] args) =>
        Shell.Run(_swanctl, "timeout", [seconds.ToString(CultureInfo.InvariantCulture), "swanctl", .. args]);

    public static string Ip(params string[] args) => Tool.Ip(args);

    /// <summary>(Re)loads the client's connection "home" (child "lan"). <paramref name="forceEncapsulation"/>: charon fakes a
    /// NAT (encap = yes), so IKE floats to 4500 and ESP travels in UDP, taken off the gateway's UDP_ENCAP socket by its
    /// kernel; without it the CHILD SA carries plain ESP (IP protocol 50).</summary>
    public void LoadClient(bool forceEncapsulation)
    {
        var (code, output) = Swanctl(30, "--load-all", "--clear", "--file", WriteSwanctlConf(forceEncapsulation));
        Assert.True(code == 0, "swanctl --load-all failed:\n" + output);
    }

    /// <summary>Pings the LAN host from the road's virtual IP.</summary>
    public ToolResult Ping(string source, int count) => Tool.Ping(Road, source, LanHost, count, waitSeconds: 3);

    /// <summary>Polls <paramref name="condition"/> every 250 ms; fails with <paramref name="what"/> and the diagnostics after <paramref name="timeout"/>.</summary>
    public void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} within {timeout.TotalSeconds} s\n{Diagnostics()}");
            Thread.Sleep(250);
        }
    }

    /// <summary>SIGTERM to the Host; its exit code, or null when it is still running after <paramref name="timeout"/>.</summary>
    public int? StopHost(TimeSpan timeout)
    {
        Shell.Must("kill", "-TERM", _host.Id.ToString(CultureInfo.InvariantCulture));
        return _host.WaitForExit(timeout) ? _host.ExitCode : null;
    }

    public void Dispose()
    {
        foreach (var p in new[] { _charon, _host })
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(TimeSpan.FromSeconds(5));
            }

            p.Dispose();
        }

        Cleanup();
        _dir.Dispose();
    }

    /// <summary>
    /// The guest loads kernel crypto on first use: the first ESP state with AES-GCM instantiates rfc4106 and seqiv,
    /// whose IV generator seeds the kernel's DRBG from jitterentropy, modules fetched over 9p and run under TCG.
    /// Measured: 4-9 s, against the gateway's 10 s install timeout. A real gateway pays this once, in milliseconds; the
    /// labs pay it once per guest, before any Host starts, in a scratch namespace.
    /// </summary>
    private static readonly Lazy<bool> WarmUp = new(WarmUpKernelCrypto);

    private static bool WarmUpKernelCrypto()
    {
        const string ns = "s9-warm-up";
        Shell.Run("ip", "netns", "del", ns);
        Tool.IpBatch(null, $"netns add {ns}");
        try
        {
            Tool.IpBatch(ns, "xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 reqid 9 mode tunnel " +
                "aead rfc4106(gcm(aes)) 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324 128");
        }
        finally
        {
            Shell.Run("ip", "netns", "del", ns);
        }

        return true;
    }

    private void Cleanup()
    {
        foreach (var ns in new[] { Gw, Road, Lan })
        {
            Shell.Run("ip", "netns", "del", ns);
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private void WaitForHostRunning()
    {
        // Under TCG the Host needs ~25 s to start (runtime, Akka, JIT); the budget leaves room for a busy host.
        HostOutput.WaitForRunning(_host, Append, () => HostLog, TimeSpan.FromSeconds(120));
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

        // The guest runs this assembly with itself as startup hook; a dotnet child (the Host) must not inherit that,
        // or it would run the guest tests again instead of its own Main.
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        info.Environment.Remove(GuestTestRunner.RunVariable);
        var p = Process.Start(info)!;
        p.StandardInput.Close();
        return p;
    }

    private string WriteGatewayConf()
    {
        _dir.Write("conn/road-warrior.conf", $$"""
            road-warrior {
              local { id = "{{GatewayId}}", auth = psk }
              remote { id = "%any", auth = psk }
              ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
              esp-proposals = [ "aes256gcm16" ]
              local-ts = [ "{{LanNet}}" ]
              pools = [ "{{Pool}}" ]
              ipsec-interface = 1
            }
            secrets { "%any" = "{{Psk}}" }
            """);
        return _dir.Write("concentrator.conf", $$"""
            concentrator {
              config-dir = "conn"
              dataplane = kernel
              ike.listen = [ "{{GatewayAddress}}" ]
              # ipsec1 is attached to the uplink (IFLA_XFRM_LINK), as libreswan's ipsec1@eth0.
              interfaces.link = "{{Uplink}}"
            }
            """);
    }

    private string WriteStrongSwanConf()
    {
        var dir = _dir.Path;
        // kernel-netlink without kernel-libipsec: the kernel's own XFRM states and ESP on the client too.
        return _dir.Write("strongswan.conf", $$"""
            charon {
                load_modular = no
                load = random nonce openssl pem pkcs1 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-netlink socket-default vici
                retransmit_tries = 4
                retransmit_timeout = 3.0
                filelog {
                    main {
                        path = {{dir}}/charon.log
                        default = 1
                        ike = 2
                        knl = 2
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

    private string WriteSwanctlConf(bool forceEncapsulation) => _dir.Write("swanctl.conf", $$"""
        connections {
            home {
                version = 2
                remote_addrs = {{GatewayAddress}}
                vips = 0.0.0.0
                proposals = aes256gcm16-prfsha256-x25519
                local {
                    auth = psk
                    id = {{RoadId}}
                }
                remote {
                    auth = psk
                    id = {{GatewayId}}
                }
                encap = {{(forceEncapsulation ? "yes" : "no")}}
                children {
                    lan {
                        remote_ts = {{LanNet}}
                        esp_proposals = aes256gcm16
                        start_action = none
                    }
                }
            }
        }
        secrets {
            ike-gw {
                id-1 = {{RoadId}}
                secret = "{{Psk}}"
            }
        }
        """);
}
