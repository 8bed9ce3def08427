using System.Net;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario33_InitiatorToStrongSwan;

/// <summary>
/// Issue 16, the initiator role against a real peer: the concentrator serves the repository's example plus a
/// site-to-site connection with <c>start-action = start</c> to 192.0.2.2, where strongSwan 5.9.8 (charon-systemd,
/// kernel-libipsec) only responds, protecting its network 10.9.0.0/24 (an address on its loopback). The gateway starts
/// before charon, so its first attempts go unanswered and are retried with backoff; once charon listens, IKE_SA_INIT
/// (libipsec fakes a NAT, so IKE moves to 4500 and ESP goes in UDP) and IKE_AUTH with PSK bring up the CHILD SA
/// 198.51.100.0/24 === 10.9.0.0/24, installed through ipsec1 with the route the connection names (`routes`), and the
/// strongSwan site pings the LAN host behind the gateway. When strongSwan deletes the IKE SA, close-action = start
/// brings it up again. Needs root and strongSwan; fails, never skips, without them.
/// </summary>
public sealed class InitiatorToStrongSwanTests : IDisposable
{
    private const string SiteId = "site.strongswan.test";
    private const string GatewayS2sId = "gw-s2s.example.net";
    private const string Secret = "site-to-site-0123456789abcdef";
    private static readonly IPAddress SiteHost = IPAddress.Parse("10.9.0.1");

    private readonly RoadWarriorLab _lab = new(overrides: new GatewayOverrides(Server: "concentrator.ike.retransmit { timeout = 1s, tries = 2 }")
    {
        ExtraFiles = new Dictionary<string, string>
        {
            ["s2s.conf"] = $$"""
                s2s {
                  local { id = "{{GatewayS2sId}}", auth = psk }
                  remote { id = "{{SiteId}}", auth = psk, addrs = [ "192.0.2.2" ] }
                  start-action = start
                  close-action = start
                  dpd-action = restart
                  retry { delay = 1s, max-delay = 2s }
                  local-ts = [ "198.51.100.0/24" ]
                  remote-ts = [ "10.9.0.0/24" ]
                  routes = [ "10.9.0.0/24" ]
                  ipsec-interface = 1
                }
                secrets { "{{SiteId}}" = "{{Secret}}" }
                """,
        },
    }, namespacePrefix: "in");

    [Fact]
    public void Gateway_StartAction_InitiatesToStrongSwanResponderPingsAndComesBackAfterItsDelete()
    {
        Assert.True(_lab.WaitForHostLog("connection s2s: initiating to 192.0.2.2:500", TimeSpan.FromSeconds(20)), _lab.HostLog);
        Shell.Must("ip", "-n", _lab.RoadNamespace, "addr", "add", SiteHost + "/24", "dev", "lo");
        _lab.StartCharon();
        _lab.LoadConf($$"""
            connections {
                gw {
                    version = 2
                    local_addrs = 192.0.2.2
                    remote_addrs = 192.0.2.1
                    proposals = aes256gcm16-prfsha256-x25519
                    local {
                        auth = psk
                        id = {{SiteId}}
                    }
                    remote {
                        auth = psk
                        id = {{GatewayS2sId}}
                    }
                    children {
                        net {
                            local_ts = 10.9.0.0/24
                            remote_ts = 198.51.100.0/24
                            esp_proposals = aes256gcm16
                        }
                    }
                }
            }
            secrets {
                ike-gw {
                    id-1 = {{SiteId}}
                    id-2 = {{GatewayS2sId}}
                    secret = "{{Secret}}"
                }
            }
            """);

        Assert.True(_lab.WaitForHostLog("connection s2s: IKE SA up with 192.0.2.2", TimeSpan.FromSeconds(40)),
            "the gateway did not establish:\n" + _lab.HostLog + "\ncharon:\n" + _lab.CharonLog);
        var sas = _lab.ListSas();
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        // strongSwan is the responder: its IKE SA names the gateway as the initiator ("#1, ... responder" in its log).
        Assert.Contains($"{GatewayS2sId}", sas, StringComparison.Ordinal);
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
        Assert.Matches(@"local\s+10\.9\.0\.0/24", sas);
        Assert.Matches(@"remote\s+198\.51\.100\.0/24", sas);
        Assert.Contains("10.9.0.0/24", _lab.GatewayRoutesVia("ipsec1"));
        Assert.DoesNotContain("0.0.0.0/0", _lab.GatewayRoutesVia("ipsec1"));

        var (ping, output) = _lab.Ping(3, SiteHost);
        Assert.True(ping == 0, "ping from the strongSwan site through the tunnel failed:\n" + output + "\n" + _lab.HostLog);

        // The peer deletes the IKE SA: close-action = start initiates a new one, which pings again.
        var (terminate, terminated) = _lab.Swanctl(10, "--terminate", "--ike", "gw");
        Assert.True(terminate == 0, terminated);
        Assert.True(_lab.WaitForHostLog("IKE SA ended (closed", TimeSpan.FromSeconds(20)), _lab.HostLog);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (CountUp() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "not up again after the peer's Delete:\n" + _lab.HostLog);
            Thread.Sleep(200);
        }

        (ping, output) = _lab.Ping(3, SiteHost);
        Assert.True(ping == 0, "ping after the new IKE SA failed:\n" + output);
    }

    private int CountUp() => _lab.HostLog.Split('\n').Count(l => l.Contains("connection s2s: IKE SA up", StringComparison.Ordinal));

    public void Dispose() => _lab.Dispose();
}
