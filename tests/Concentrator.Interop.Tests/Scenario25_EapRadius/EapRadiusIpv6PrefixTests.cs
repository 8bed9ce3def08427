using System.Net;
using System.Text.RegularExpressions;
using Concentrator.Interop.Tests.Lab;
using Concentrator.Server.Tests.Radius;

namespace Concentrator.Interop.Tests.Scenario25_EapRadius;

/// <summary>
/// Interop scenario 25, IPv6 (issue 12): a real strongSwan road warrior asks for an IPv4 and an IPv6 virtual IP
/// (<c>vips = 0.0.0.0,::</c>) and authenticates with EAP-MSCHAPv2 through a real FreeRADIUS whose user dave has
/// <c>Framed-IPv6-Prefix = 2001:db8:78::/64</c> (RFC 3162) and no Framed-IP-Address. The gateway's connection pools
/// 10.77.0.0/24 and 2001:db8:78::/120: the client gets the prefix's first address 2001:db8:78::1 as its IPv6 virtual
/// IP and an IPv4 one from the pool, pings the LAN; FreeRADIUS's detail file then holds the Start and Stop with
/// Framed-IPv6-Prefix, Framed-IPv6-Address (RFC 6911) and Framed-IP-Address. Namespaces h2e-*. Needs root,
/// strongSwan with eap-mschapv2 and FreeRADIUS (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class EapRadiusIpv6PrefixTests : IDisposable
{
    private const int AuthPort = 18872;
    private const int AcctPort = 18873;

    private readonly RoadWarriorLab _lab;
    private readonly FreeRadius _radius;

    public EapRadiusIpv6PrefixTests()
    {
        _lab = new RoadWarriorLab(overrides: Gateway(), namespacePrefix: "h2e");
        _radius = new FreeRadius(AuthPort, AcctPort, netns: _lab.GatewayNamespace,
            users: "dave\tCleartext-Password := \"password\"\n\tFramed-IPv6-Prefix = 2001:db8:78::/64\n");
    }

    [Fact]
    public void StrongSwanClient_FramedIpv6PrefixFromFreeRadius_Ipv6VipAndAccountingWithPrefixAndAddress()
    {
        _lab.StartCharon();
        _lab.LoadConf($$"""
            connections {
            {{SwanctlConnections.Connection("home", _lab.GatewayAddress, "auth = eap-mschapv2\nid = road@e2e.test\neap_id = dave",
                SwanctlConnections.Psk(_lab.GatewayId), vip: "0.0.0.0,::")}}
            }
            secrets {
                ike-gw {
                    id-1 = {{_lab.GatewayId}}
                    secret = "{{_lab.Psk}}"
                }
                eap-user {
                    id = dave
                    secret = "password"
                }
            }
            """);

        _lab.MustInitiate();

        // charon lists its virtual IPs together: "local 'road@e2e.test' @ 192.0.2.2[4500] [10.77.0.1 2001:db8:78::1]".
        var sas = _lab.ListSas();
        var vips = Regex.Match(sas, @"\[(\d+\.\d+\.\d+\.\d+) ([0-9a-f:]+)\]");
        Assert.True(vips.Success, "not two virtual IPs in:\n" + sas);
        var vip = IPAddress.Parse(vips.Groups[1].Value);
        Assert.True(IPNetwork.Parse("10.77.0.0/24").Contains(vip), sas);
        Assert.Equal(IPAddress.Parse("2001:db8:78::1"), IPAddress.Parse(vips.Groups[2].Value));
        Assert.Contains("installing new virtual IP 2001:db8:78::1", _lab.CharonLog, StringComparison.Ordinal);
        var (ping, output) = _lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);

        var (code, terminated) = _lab.Terminate();
        Assert.True(code == 0, "swanctl --terminate failed:\n" + terminated);

        foreach (var status in new[] { "Start", "Stop" })
        {
            var record = WaitForRecord($"Acct-Status-Type = {status}");
            Assert.Contains("User-Name = \"dave\"", record, StringComparison.Ordinal);
            Assert.Contains("Framed-IPv6-Prefix = 2001:db8:78::/64", record, StringComparison.Ordinal);
            Assert.Contains("Framed-IPv6-Address = 2001:db8:78::1", record, StringComparison.Ordinal);
            Assert.Contains($"Framed-IP-Address = {vip}", record, StringComparison.Ordinal);
        }
    }

    /// <summary>The eap-radius connection of <see cref="RoadWarriorLab.EapRadiusGateway"/> with an IPv6 pool next to
    /// the IPv4 one.</summary>
    private static GatewayOverrides Gateway() => new()
    {
        Server = $$"""
            concentrator.radius {
              servers = [ { address = "127.0.0.1", port = {{AuthPort}}, acct-port = {{AcctPort}}, secret = "{{FreeRadius.Secret}}" } ]
              timeout = 1s
              retries = 2
            }
            """,
        ExtraFiles = new Dictionary<string, string>
        {
            ["eap.conf"] = """
                eap-users {
                  local { id = "gw.example.net", auth = psk }
                  remote { id = "%any", auth = eap-radius, eap-id = "%any" }
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "10.77.0.0/24", "2001:db8:78::/120" ]
                  ipsec-interface = 1
                }
                """,
        },
    };

    private string WaitForRecord(string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var text = File.Exists(_radius.DetailFile) ? File.ReadAllText(_radius.DetailFile) : "";
            var record = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(r => r.Contains(status, StringComparison.Ordinal));
            if (record is not null)
            {
                return record;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no '{status}' record in {_radius.DetailFile}:\n{text}\n{_lab.HostLog}");
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        _radius.Dispose();
        _lab.Dispose();
    }
}
