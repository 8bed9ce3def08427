using System.Net;

namespace Concentrator.Interop.Tests.Scenario24_EapAndPskClients;

/// <summary>
/// Interop scenario 24: one gateway serving a PSK connection and an EAP-MSCHAPv2 connection at once. A strongSwan
/// client holds two IKE SAs to it, one authenticating with its PSK and one with EAP (no AUTH in its first IKE_AUTH):
/// IKE_AUTH picks each peer's connection by how it authenticates, and each gets a virtual IP from its own
/// connection's pool. Needs root and strongSwan with eap-mschapv2; fails, never skips, without them.
/// </summary>
public sealed class EapAndPskClientsTests
{
    [Fact]
    public void StrongSwanClients_PskAndEap_EachFromItsConnectionsPool()
    {
        using var lab = new RoadWarriorLab(overrides: RoadWarriorLab.EapGateway("eap-mschapv2", "\"alice\" = \"alice-password\""), namespacePrefix: "eap");
        lab.StartCharon();
        lab.LoadConf($$"""
            connections {
                {{SwanctlConnections.Connection("psk", lab.GatewayAddress, SwanctlConnections.Psk("road@e2e.test"), SwanctlConnections.Psk(lab.GatewayId), child: "lan-psk")}}
                {{SwanctlConnections.Connection("eap", lab.GatewayAddress, "auth = eap-mschapv2\nid = alice\neap_id = alice", SwanctlConnections.Psk(lab.GatewayId), child: "lan-eap")}}
            }
            secrets {
                ike-gw { id-1 = {{lab.GatewayId}}
                         secret = "{{lab.Psk}}" }
                eap-alice { id = alice
                            secret = "alice-password" }
            }
            """);

        var (psk, pskLog) = lab.Swanctl(20, "--initiate", "--ike", "psk", "--child", "lan-psk");
        var (eap, eapLog) = lab.Swanctl(20, "--initiate", "--ike", "eap", "--child", "lan-eap");

        Assert.True(psk == 0, "PSK client failed:\n" + pskLog);
        Assert.True(eap == 0, "EAP client failed:\n" + eapLog + "\nhost:\n" + lab.HostLog);
        string sas = lab.ListSas();
        var vips = new[] { "psk", "eap" }.ToDictionary(name => name, name => SwanctlListing.VipOf(sas, name));
        // config/road-warrior.conf's pool, and the EAP connection's (RoadWarriorLab.EapGateway).
        Assert.True(IPNetwork.Parse("10.99.0.0/24").Contains(vips["psk"]), sas);
        Assert.True(IPNetwork.Parse("10.98.0.0/24").Contains(vips["eap"]), sas);
        Assert.Equal(0, lab.Ping(source: vips["eap"]).Code);
    }
}
