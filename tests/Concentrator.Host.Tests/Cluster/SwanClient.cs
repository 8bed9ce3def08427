using System.Diagnostics;

namespace Concentrator.Host.Tests.Cluster;

/// <summary>
/// A strongSwan road warrior (charon-systemd with kernel-libipsec, driven by swanctl) in a client namespace of the
/// <see cref="ClusterLab"/>: one PSK connection to a node that asks for a virtual IP. charon follows RFC 5685
/// redirects by default (<c>charon.follow_redirects = yes</c>): it sends REDIRECT_SUPPORTED, and after a REDIRECT
/// starts again at the gateway named, with REDIRECTED_FROM. Its log (IKE at level 2) is kept for the assertions.
/// </summary>
internal sealed class SwanClient : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Process _charon;
    private readonly string _conf;

    public SwanClient(string netns, System.Net.IPAddress gateway, string identity)
    {
        var dir = _dir.Path;
        _conf = _dir.Write("strongswan.conf", $$"""
            charon {
                load_modular = no
                load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
                retransmit_tries = 3
                retransmit_timeout = 2.0
                follow_redirects = yes
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
        _dir.Write("swanctl.conf", $$"""
            connections {
                rw {
                    version = 2
                    remote_addrs = {{gateway}}
                    vips = 0.0.0.0
                    proposals = aes256gcm16-prfsha256-x25519
                    local {
                        auth = psk
                        id = {{identity}}
                    }
                    remote {
                        auth = psk
                        id = {{ClusterLab.GatewayId}}
                    }
                    children {
                        net {
                            remote_ts = 198.51.100.0/24
                            esp_proposals = aes256gcm16
                            start_action = none
                        }
                    }
                }
            }
            secrets {
                ike-rw {
                    id-1 = {{identity}}
                    secret = "{{ClusterLab.Secret}}"
                }
            }
            """);
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", netns, "env", "STRONGSWAN_CONF=" + _conf, "/usr/sbin/charon-systemd" })
        {
            info.ArgumentList.Add(a);
        }

        _charon = Process.Start(info)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Swanctl("--stats").Code != 0)
        {
            Assert.True(DateTime.UtcNow < deadline && !_charon.HasExited, "charon did not start:\n" + Log);
            Thread.Sleep(50);
        }

        var load = Swanctl("--load-all", "--file", Path.Combine(dir, "swanctl.conf"));
        Assert.True(load.Code == 0, "swanctl --load-all failed:\n" + load.Output);
    }

    public string Log => File.Exists(Path.Combine(_dir.Path, "charon.log")) ? File.ReadAllText(Path.Combine(_dir.Path, "charon.log")) : "";

    /// <summary><c>swanctl --initiate</c> of the IKE SA and its CHILD SA; the exit code and what swanctl printed.</summary>
    public (int Code, string Output) Initiate() => Swanctl("--initiate", "--ike", "rw", "--child", "net", "--timeout", "60");

    public (int Code, string Output) ListSas() => Swanctl("--list-sas");

    private (int Code, string Output) Swanctl(params string[] args)
        => ToolProcess.Run("swanctl", args, new Dictionary<string, string> { ["STRONGSWAN_CONF"] = _conf });

    public void Dispose()
    {
        if (!_charon.HasExited)
        {
            _charon.Kill();
            _charon.WaitForExit();
        }

        _charon.Dispose();
        _dir.Dispose();
    }
}
