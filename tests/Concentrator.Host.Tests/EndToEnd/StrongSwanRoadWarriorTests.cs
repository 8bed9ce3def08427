using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Concentrator.Host.Configuration;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>
/// Scenario 1 of the responder issue, for real: the concentrator process (built concentrator.dll, run as the
/// README says with the repository's own HOCON.conf and config/road-warrior.conf: all addresses, ports 500/4500,
/// dataplane auto) serves a gateway namespace, choosing the userspace dataplane and ipsec1 on this kernel; a strongSwan road warrior
/// (charon-systemd + swanctl, kernel-libipsec, PSK) in another namespace connects, gets a virtual IP, pings a LAN
/// host behind the gateway through the tunnel, disconnects; SIGTERM then stops the concentrator cleanly and
/// ipsec1 is gone. Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class StrongSwanRoadWarriorTests : IDisposable
{
    private static readonly string Suffix = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private readonly string _gw = "e2e-gw-" + Suffix;
    private readonly string _road = "e2e-road-" + Suffix;
    private readonly string _lan = "e2e-lan-" + Suffix;
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _swanctl;
    private Process? _concentrator;
    private Process? _charon;

    public StrongSwanRoadWarriorTests()
    {
        _swanctl = new() { ["STRONGSWAN_CONF"] = Path.Combine(_dir.Path, "road", "strongswan.conf") };
        Cleanup();
        foreach (var ns in new[] { _gw, _road, _lan })
        {
            Shell.Must("ip", "netns", "add", ns);
            Shell.Must("ip", "-n", ns, "link", "set", "lo", "up");
        }

        Shell.Must("ip", "link", "add", "e2e-gw0", "netns", _gw, "type", "veth", "peer", "name", "e2e-road0", "netns", _road);
        Shell.Must("ip", "-n", _gw, "addr", "add", "192.0.2.1/24", "dev", "e2e-gw0");
        Shell.Must("ip", "-n", _road, "addr", "add", "192.0.2.2/24", "dev", "e2e-road0");
        Shell.Must("ip", "-n", _gw, "link", "set", "e2e-gw0", "up");
        Shell.Must("ip", "-n", _road, "link", "set", "e2e-road0", "up");
        Shell.Must("ip", "link", "add", "e2e-gwl", "netns", _gw, "type", "veth", "peer", "name", "e2e-lan0", "netns", _lan);
        Shell.Must("ip", "-n", _gw, "addr", "add", "198.51.100.1/24", "dev", "e2e-gwl");
        Shell.Must("ip", "-n", _lan, "addr", "add", "198.51.100.10/24", "dev", "e2e-lan0");
        Shell.Must("ip", "-n", _gw, "link", "set", "e2e-gwl", "up");
        Shell.Must("ip", "-n", _lan, "link", "set", "e2e-lan0", "up");
        Shell.Must("ip", "-n", _lan, "route", "add", "default", "via", "198.51.100.1");
        Shell.Must("ip", "netns", "exec", _gw, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    }

    [Fact]
    public void StrongSwanClient_Psk_GetsVirtualIpPingsLanAndShutdownRemovesIpsec1()
    {
        var main = Path.Combine(RepoPaths.Root, "HOCON.conf");
        var loaded = ConfigLoader.Load(main);
        var example = NodeDefinition.Load(loaded.Config, loaded.MainFile, loaded.Connections.Select(c => new ConnectionSource(c.Path, c.Config)).ToList());
        var connection = example.Connections[0];
        Assert.Contains(connection.LocalTs, n => n.Contains(IPAddress.Parse("198.51.100.10")));
        var psk = Encoding.UTF8.GetString(example.Secrets.Lookup("road@e2e.test")!);
        WriteRoadConfig(connection.Local.Id, psk);
        _concentrator = StartConcentrator(main, out var startup);
        Assert.Contains("dataplane: userspace", startup, StringComparison.Ordinal);

        _charon = Start("ip", "netns", "exec", _road, "env", "STRONGSWAN_CONF=" + _swanctl["STRONGSWAN_CONF"], "/usr/sbin/charon-systemd");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Shell.Run(_swanctl, "swanctl", "--stats").Code != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "charon-systemd did not open its vici socket within 10 s");
            Thread.Sleep(50);
        }

        Assert.Equal(0, Shell.Run(_swanctl, "swanctl", "--load-all", "--file", Path.Combine(_dir.Path, "road", "swanctl.conf")).Code);
        var (initiate, log) = Shell.Run(_swanctl, "timeout", "20", "swanctl", "--initiate", "--ike", "home", "--child", "lan");
        Assert.True(initiate == 0, "swanctl --initiate failed:\n" + log);
        var (_, sas) = Shell.Run(_swanctl, "swanctl", "--list-sas");
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        var vip = IPAddress.Parse(System.Text.RegularExpressions.Regex.Match(sas, @"\[(\d+\.\d+\.\d+\.\d+)\]").Groups[1].Value);
        Assert.Contains(connection.Pools, pool => pool.Contains(vip));
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);

        // Through the tunnel: the road namespace has no other route to 198.51.100.0/24.
        var (ping, pingOut) = Shell.Run("ip", "netns", "exec", _road, "ping", "-c", "2", "-W", "2", "198.51.100.10");
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + pingOut);

        Assert.Equal(0, Shell.Run(_swanctl, "timeout", "10", "swanctl", "--terminate", "--ike", "home").Code);

        // SIGTERM: clean shutdown, exit 0, the ipsec1 the concentrator created is gone.
        Assert.Equal(0, Shell.Run("kill", "-TERM", _concentrator.Id.ToString(CultureInfo.InvariantCulture)).Code);
        Assert.True(_concentrator.WaitForExit(TimeSpan.FromSeconds(20)), "concentrator did not stop within 20 s of SIGTERM");
        Assert.Equal(0, _concentrator.ExitCode);
        Assert.NotEqual(0, Shell.Run("ip", "-n", _gw, "link", "show", "ipsec1").Code);
    }

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

    private void Cleanup()
    {
        foreach (var ns in new[] { _gw, _road, _lan })
        {
            Shell.Run("ip", "netns", "del", ns);
        }
    }

    private Process StartConcentrator(string main, out string startup)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "concentrator.dll");
        var p = Start("ip", "netns", "exec", _gw, "dotnet", dll, "run", "--config", main);
        var lines = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var line = p.StandardOutput.ReadLine();
            if (line is null)
            {
                break;
            }

            lines.Add(line);
            if (line.StartsWith("running:", StringComparison.Ordinal))
            {
                startup = string.Join('\n', lines);
                _ = p.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                return p;
            }
        }

        Assert.Fail("concentrator did not start:\n" + string.Join('\n', lines) + p.StandardError.ReadToEnd());
        throw new UnreachableException();
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

    private void WriteRoadConfig(string gatewayId, string psk)
    {
        var road = Path.Combine(_dir.Path, "road");
        _dir.Write("road/strongswan.conf", $$"""
            charon {
                load_modular = no
                load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
                retransmit_tries = 2
                retransmit_timeout = 1.0
                threads = 32
                filelog {
                    main {
                        path = {{road}}/charon.log
                        default = 1
                        ike = 2
                    }
                }
                syslog {
                    daemon {
                        default = -1
                    }
                }
                plugins {
                    vici {
                        socket = unix://{{road}}/charon.vici
                    }
                }
            }
            swanctl {
                socket = unix://{{road}}/charon.vici
            }
            """);
        _dir.Write("road/swanctl.conf", $$"""
            connections {
                home {
                    version = 2
                    remote_addrs = 192.0.2.1
                    vips = 0.0.0.0
                    proposals = aes256gcm16-prfsha256-x25519
                    local {
                        auth = psk
                        id = road@e2e.test
                    }
                    remote {
                        auth = psk
                        id = {{gatewayId}}
                    }
                    children {
                        lan {
                            remote_ts = 198.51.100.0/24
                            esp_proposals = aes256gcm16
                            start_action = none
                        }
                    }
                }
            }
            secrets {
                ike-gw {
                    id-1 = road@e2e.test
                    secret = "{{psk}}"
                }
            }
            """);
    }
}
