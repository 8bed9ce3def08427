using System.Net;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario18_SharedInterface;

/// <summary>
/// Issue 12, named pools: three connections share ipsec-interface = 5 (strongSwan's
/// testing/tests/route-based/rw-shared-xfrmi): "sales" (remote.id *@sales.example) and "eng" (*@eng.example) each with a
/// named pool of its own, and "partners" (*@partners.example) naming the sales pool too. Three strongSwan road warriors
/// in one charon connect; each gets an address of its own connection's pool (partners' from the shared sales pool,
/// distinct from the sales client's), its IKE SA runs under /user/ipsec5, and each pings the LAN through ipsec5, which
/// carries exactly one route per pool prefix (the sales pool once, though two connections name it). The repository's
/// road-warrior connection keeps ipsec1 to itself.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class SharedInterfaceTests : IDisposable
{
    private const string SalesPool = "10.97.0.0/24";
    private const string EngPool = "10.96.0.0/24";

    private readonly RoadWarriorLab _lab = new(namespacePrefix: "pl", overrides: new GatewayOverrides
    {
        ExtraFiles = new Dictionary<string, string>
        {
            ["site-pools.conf"] = $$"""
                pools {
                  sales { addresses = [ "{{SalesPool}}" ], dns = [ "198.51.100.53" ] }
                  eng { addresses = [ "{{EngPool}}" ] }
                }
                """,
            ["site-departments.conf"] = $$"""
                {{Connection("sales", "sales")}}
                {{Connection("eng", "eng")}}
                {{Connection("partners", "sales")}}
                """,
        },
    });

    private static string Connection(string name, string pool) => $$"""
        {{name}} {
          local { id = "gw.example.net", auth = psk }
          remote { id = "*@{{name}}.example", auth = psk }
          ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
          esp-proposals = [ "aes256gcm16" ]
          local-ts = [ "198.51.100.0/24" ]
          pools = [ "{{pool}}" ]
          ipsec-interface = 5
        }
        """;

    [Fact]
    public void ThreeConnectionsOnIpsec5_EachClientGetsItsConnectionsPoolAndPingsThroughIpsec5()
    {
        _lab.StartCharon();
        _lab.LoadConf(SwanctlConf());
        var clients = new[] { ("sales", "alice@sales.example"), ("eng", "bob@eng.example"), ("partners", "carol@partners.example") };
        foreach (var (name, _) in clients)
        {
            var (code, output) = _lab.Swanctl(20, "--initiate", "--ike", name, "--child", "lan");
            Assert.True(code == 0, $"{name}: swanctl --initiate failed:\n{output}\nhost:\n{_lab.HostLog}");
        }

        var sas = _lab.ListSas();
        var sales = SwanctlListing.VipOf(sas, "sales");
        var eng = SwanctlListing.VipOf(sas, "eng");
        var partners = SwanctlListing.VipOf(sas, "partners");
        Assert.True(IPNetwork.Parse(SalesPool).Contains(sales), $"alice@sales.example got {sales}, not from {SalesPool}");
        Assert.True(IPNetwork.Parse(EngPool).Contains(eng), $"bob@eng.example got {eng}, not from {EngPool}");
        Assert.True(IPNetwork.Parse(SalesPool).Contains(partners), $"carol@partners.example got {partners}, not from the shared {SalesPool}");
        Assert.NotEqual(sales, partners);

        foreach (var (_, identity) in clients)
        {
            Assert.True(_lab.WaitForHostLog(identity, TimeSpan.FromSeconds(5)), _lab.HostLog);
            Assert.Matches(@"akka://concentrator/user/ipsec5/ike-[0-9a-f]{16}\S* [^\n]*established with[^\n]*" + identity.Replace(".", @"\.", StringComparison.Ordinal), _lab.HostLog);
        }

        Assert.Equal([EngPool, SalesPool], _lab.GatewayRoutesVia("ipsec5").Order(StringComparer.Ordinal));
        Assert.Equal([_lab.Pool.ToString()], _lab.GatewayRoutesVia("ipsec1"));
        foreach (var vip in new[] { sales, eng, partners })
        {
            var (ping, output) = _lab.Ping(count: 1, source: vip);
            Assert.True(ping == 0, $"ping from {vip} through ipsec5 failed:\n{output}");
        }

        var exit = _lab.StopConcentrator(TimeSpan.FromSeconds(20));
        Assert.Equal(0, exit);
        Assert.Contains("shutdown: 3 IKE SA(s) deleted", _lab.HostLog, StringComparison.Ordinal);
        Assert.False(_lab.GatewayHasLink("ipsec5"), "ipsec5 left behind");
    }

    public void Dispose() => _lab.Dispose();

    private string SwanctlConf() => $$"""
        connections {
            {{Conn("sales", "alice@sales.example")}}
            {{Conn("eng", "bob@eng.example")}}
            {{Conn("partners", "carol@partners.example")}}
        }
        secrets {
            ike-any {
                secret = "{{_lab.Psk}}"
            }
        }
        """;

    private string Conn(string name, string identity) =>
        SwanctlConnections.Connection(name, _lab.GatewayAddress, SwanctlConnections.Psk(identity), SwanctlConnections.Psk(_lab.GatewayId));
}
