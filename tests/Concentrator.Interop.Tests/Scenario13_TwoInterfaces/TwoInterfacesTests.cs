using System.Net;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario13_TwoInterfaces;

/// <summary>
/// Issue 12 (connections chosen by who the peer is) and issue 11's tree walk with two connections on two interfaces:
/// the gateway serves the repository's road-warrior connection (remote.id %any, pool 10.99.0.0/24, ipsec1) and a
/// second file's "eng" connection (remote.id *@eng.test, pool 10.98.0.0/24, ipsec2). Two strongSwan road warriors in
/// one charon connect: road@e2e.test is served by road-warrior, alice@eng.test by eng (IKE_SA_INIT chose road-warrior
/// for both, the first in order; IKE_AUTH switches alice's SA to the more specific eng). Each gets its virtual IP from
/// its own connection's pool, its established SA's actor runs under its own interface actor (/user/ipsec1/ike-…,
/// /user/ipsec2/ike-…, in the gateway's log), and each pings the LAN through its own interface.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class TwoInterfacesTests : IDisposable
{
    private const string EngPool = "10.98.0.0/24";

    private readonly RoadWarriorLab _lab = new(overrides: new GatewayOverrides
    {
        ExtraFiles = new Dictionary<string, string>
        {
            ["site-eng.conf"] = """
                eng {
                  local { id = "gw.example.net", auth = psk }
                  remote { id = "*@eng.test", auth = psk }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "10.98.0.0/24" ]
                  ipsec-interface = 2
                }
                """,
        },
    });

    [Fact]
    public void TwoClients_OfTwoConnections_EachUnderItsOwnInterfaceActorWithItsPoolAndPings()
    {
        _lab.StartCharon();
        _lab.LoadConf(SwanctlConf());
        foreach (var name in new[] { "home", "eng" })
        {
            var (code, output) = _lab.Swanctl(20, "--initiate", "--ike", name, "--child", "lan");
            Assert.True(code == 0, $"{name}: swanctl --initiate failed:\n{output}\nhost:\n{_lab.HostLog}");
        }

        var sas = _lab.ListSas();
        var homeVip = SwanctlListing.VipOf(sas, "home");
        var engVip = SwanctlListing.VipOf(sas, "eng");
        Assert.True(_lab.Pool.Contains(homeVip), $"road@e2e.test got {homeVip}, not from {_lab.Pool}");
        Assert.True(IPNetwork.Parse(EngPool).Contains(engVip), $"alice@eng.test got {engVip}, not from {EngPool}");

        // The running tree: each established SA's actor under its connection's interface actor.
        Assert.True(_lab.WaitForHostLog("alice@eng.test", TimeSpan.FromSeconds(5)), _lab.HostLog);
        Assert.Matches(@"akka://concentrator/user/ipsec1/ike-[0-9a-f]{16}\S* [^\n]*established with[^\n]*road@e2e\.test", _lab.HostLog);
        Assert.Matches(@"akka://concentrator/user/ipsec2/ike-[0-9a-f]{16}\S* [^\n]*established with[^\n]*alice@eng\.test", _lab.HostLog);
        Assert.True(_lab.GatewayHasLink("ipsec1") && _lab.GatewayHasLink("ipsec2"), "ipsec1 and ipsec2 on the gateway");

        foreach (var vip in new[] { homeVip, engVip })
        {
            var (ping, output) = _lab.Ping(count: 1, source: vip);
            Assert.True(ping == 0, $"ping from {vip} through the tunnel failed:\n{output}");
        }

        var exit = _lab.StopConcentrator(TimeSpan.FromSeconds(20));
        Assert.Equal(0, exit);
        Assert.Contains("shutdown: 2 IKE SA(s) deleted", _lab.HostLog, StringComparison.Ordinal);
        Assert.False(_lab.GatewayHasLink("ipsec1") || _lab.GatewayHasLink("ipsec2"), "ipsec1/ipsec2 left behind");
    }

    public void Dispose() => _lab.Dispose();

    private string SwanctlConf() =>
        SwanctlConnections.PskConf(_lab.GatewayAddress, _lab.GatewayId, _lab.Psk, ("home", "road@e2e.test"), ("eng", "alice@eng.test"));
}
