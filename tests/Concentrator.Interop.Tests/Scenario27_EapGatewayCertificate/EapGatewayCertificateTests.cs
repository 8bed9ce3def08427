using System.Net;

namespace Concentrator.Interop.Tests.Scenario27_EapGatewayCertificate;

/// <summary>
/// Interop scenario 27 (issue 12): the built-in clients' usual setup. The gateway authenticates with its ECDSA
/// certificate (CERT + AUTH in its first IKE_AUTH response, RFC 7296 §2.16), a real strongSwan road warrior checks it
/// against the CA and authenticates itself with EAP-MSCHAPv2 against the gateway's local EAP users; it gets a virtual
/// IP from the connection's pool and pings the LAN. A wrong password is refused with nothing leased. Needs root and
/// strongSwan with eap-mschapv2 (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class EapGatewayCertificateTests : IDisposable
{
    private const string Pool = "10.96.0.0/24";

    private readonly CertificateGateway _pki = new();

    private readonly RoadWarriorLab _lab;

    public EapGatewayCertificateTests()
    {
        _lab = new RoadWarriorLab(overrides: _pki.EapOverrides("eap-mschapv2", "\"carol\" = \"carol-password\"", Pool), namespacePrefix: "eap");
        _lab.StartCharon();
    }

    [Fact]
    public void StrongSwanClient_EapMsChapV2AgainstGatewayCertificate_GetsVirtualIpAndPings()
    {
        _lab.LoadEapWithGatewayCertificate("carol", "carol", "carol-password", _pki.Pki.Read(_pki.Root), CertificateGateway.GatewayId);

        _lab.MustInitiate();

        var sas = _lab.ListSas();
        IPAddress vip = RoadWarriorLab.VirtualIp(sas);
        Assert.True(IPNetwork.Parse(Pool).Contains(vip), $"{vip} is not from {Pool}:\n{sas}");
        // strongSwan verified our certificate chain and signature, then EAP ran and both MSK-based AUTHs agreed.
        Assert.Contains($"authentication of '{CertificateGateway.GatewayId}' with ECDSA_WITH_SHA256_DER successful", _lab.CharonLog, StringComparison.Ordinal);
        Assert.Contains("EAP method EAP_MSCHAPV2 succeeded, MSK established", _lab.CharonLog, StringComparison.Ordinal);
        Assert.True(_lab.WaitForHostLog("established with carol", TimeSpan.FromSeconds(5)), _lab.HostLog);
        var (ping, output) = _lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);
    }

    [Fact]
    public void StrongSwanClient_WrongPasswordAgainstGatewayCertificate_RefusedWithoutLease()
    {
        _lab.LoadEapWithGatewayCertificate("carol", "carol", "not-carols-password", _pki.Pki.Read(_pki.Root), CertificateGateway.GatewayId);

        var (code, output) = _lab.Swanctl(20, "--initiate", "--ike", "home", "--child", "lan");

        Assert.NotEqual(0, code);
        CharonEapFailure.AssertSeen(_lab.CharonLog);
        Assert.DoesNotContain("ESTABLISHED", _lab.ListSas(), StringComparison.Ordinal);
        Assert.True(_lab.WaitForHostLog("EAP for 'carol' failed", TimeSpan.FromSeconds(5)), _lab.HostLog);
    }

    public void Dispose()
    {
        _lab.Dispose();
        _pki.Dispose();
    }
}
