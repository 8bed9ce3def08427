using System.Net;

namespace Concentrator.Interop.Tests.Scenario21_EapMsChapV2;

/// <summary>
/// Interop scenario 21 (issue 12, EAP local): a real strongSwan road warrior authenticates with EAP-MSCHAPv2 against
/// the concentrator's local EAP users (the gateway proves itself with its PSK, RFC 7296 §2.16), gets a virtual IP from
/// the EAP connection's pool and pings the LAN through the tunnel: the MSK-based AUTH agrees on both sides. The
/// namespaces are named eap-*. Needs root and strongSwan with eap-mschapv2 (scripts/install-test-deps.sh); fails,
/// never skips, without them.
/// </summary>
public sealed class EapMsChapV2Tests : IDisposable
{
    private readonly RoadWarriorLab _lab = new(overrides: RoadWarriorLab.EapGateway("eap-mschapv2", "\"alice\" = \"alice-password\""), namespacePrefix: "eap");

    [Fact]
    public void StrongSwanClient_EapMsChapV2_GetsVirtualIpFromEapPoolAndPingsLan()
    {
        _lab.StartCharon();
        _lab.LoadEap("alice", "alice", "alice-password");

        _lab.MustInitiate();

        var sas = _lab.ListSas();
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.True(IPNetwork.Parse("10.98.0.0/24").Contains(RoadWarriorLab.VirtualIp(sas)), sas);
        Assert.Contains("EAP method EAP_MSCHAPV2 succeeded, MSK established", _lab.CharonLog, StringComparison.Ordinal);
        Assert.True(_lab.WaitForHostLog("established with alice", TimeSpan.FromSeconds(5)), _lab.HostLog);
        var (ping, output) = _lab.Ping();
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);
    }

    [Fact]
    public void StrongSwanClient_EapIdentityAsked_AuthenticatedAsItsEapIdentity()
    {
        using var lab = new RoadWarriorLab(overrides: RoadWarriorLab.EapGateway("eap-mschapv2", "\"bob\" = \"bob-password\"", eapId: "%any"),
            namespacePrefix: "eap");
        lab.StartCharon();
        lab.LoadEap("road@e2e.test", "bob", "bob-password");

        lab.MustInitiate();

        Assert.True(lab.WaitForHostLog("established with bob", TimeSpan.FromSeconds(5)), lab.HostLog);
        Assert.Equal(0, lab.Ping().Code);
    }

    public void Dispose() => _lab.Dispose();
}
