using System.Net;
using Concentrator.Interop.Tests.Lab;
using Concentrator.Server.Tests.Radius;

namespace Concentrator.Interop.Tests.Scenario30_EapTlsRadius;

/// <summary>
/// Interop scenario 30 (issue 12): EAP-TLS through a real FreeRADIUS. A strongSwan road warrior authenticates with
/// its certificate in EAP-TLS (RFC 5216) against a gateway with <c>remote.auth = eap-radius</c>, which proves itself
/// with its own certificate in IKE and relays the EAP conversation (every fragment and ACK) to FreeRADIUS's eap
/// module with its own TLS certificate; the client checks that one as <c>aaa_id</c>. The MSK comes back in
/// MS-MPPE keys (RFC 2548) and both AUTHs agree on it; the client pings through its virtual IP. A client of an
/// unknown CA is refused by FreeRADIUS (Access-Reject) and nothing is leased. TLS 1.2 (strongSwan 5.9.8's default).
/// Needs root, strongSwan's eap-tls plugin and FreeRADIUS (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class EapTlsRadiusTests : IDisposable
{
    private const int AuthPort = 18862;
    private const int AcctPort = 18863;
    private const string Pool = "10.94.0.0/24";
    private const string ClientId = "dave@crt.test";
    private const string RadiusId = "radius.crt.test";

    private readonly CertificateGateway _pki = new();
    private readonly RoadWarriorLab _lab;
    private readonly FreeRadius _radius;

    public EapTlsRadiusTests()
    {
        _lab = new RoadWarriorLab(overrides: _pki.EapRadiusOverrides(AuthPort, AcctPort, Pool), namespacePrefix: "ctls");
        var server = _pki.Client("radius", "ecdsa", 256, RadiusId);
        _radius = new FreeRadius(AuthPort, AcctPort, netns: _lab.GatewayNamespace,
            tls: new FreeRadiusTls(server.CertPem, server.KeyPem, _pki.Pki.Read(_pki.Root)));
        _lab.StartCharon();
    }

    [Fact]
    public void StrongSwanClient_EapTlsThroughFreeRadius_MskFromRadiusVirtualIpAndPing()
    {
        var dave = _pki.Client("dave", "ecdsa", 256, ClientId);
        _lab.LoadEapTls("dave", dave.CertPem, dave.KeyPem, _pki.Pki.Read(_pki.Root), ClientId, CertificateGateway.GatewayId, aaaId: RadiusId);

        var (code, output) = _lab.Swanctl(60, "--initiate", "--ike", "home", "--child", "lan");

        Assert.True(code == 0, output + "\nhost:\n" + _lab.HostLog + "\nradius:\n" + _radius.Output);
        var sas = _lab.ListSas();
        IPAddress vip = RoadWarriorLab.VirtualIp(sas);
        Assert.True(IPNetwork.Parse(Pool).Contains(vip), $"{vip} is not from {Pool}:\n{sas}");
        Assert.Contains("negotiated TLS 1.2", _lab.CharonLog, StringComparison.Ordinal);
        Assert.Contains("EAP method EAP_TLS succeeded, MSK established", _lab.CharonLog, StringComparison.Ordinal);
        // FreeRADIUS ran the TLS server: its certificate, not the gateway's, was checked against aaa_id.
        Assert.Contains($"CN={RadiusId}", _lab.CharonLog, StringComparison.Ordinal);
        var (ping, pingOutput) = _lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + pingOutput);
    }

    [Fact]
    public void StrongSwanClient_EapTlsThroughFreeRadiusWithCertificateOfAnUnknownCa_Refused()
    {
        string strangerKey = _pki.Pki.Key("stranger", "ecdsa", 256);
        string stranger = _pki.Pki.SelfCa("stranger", strangerKey, "C=CH, O=Elsewhere, CN=Unknown CA");
        var mallory = _pki.Client("mallory", "ecdsa", 256, ClientId, issuer: stranger, issuerKey: strangerKey);
        _lab.LoadEapTls("mallory", mallory.CertPem, mallory.KeyPem, _pki.Pki.Read(_pki.Root), ClientId, CertificateGateway.GatewayId, aaaId: RadiusId);

        var (code, output) = _lab.Swanctl(60, "--initiate", "--ike", "home", "--child", "lan");

        Assert.NotEqual(0, code);
        Assert.DoesNotContain("ESTABLISHED", _lab.ListSas(), StringComparison.Ordinal);
        // FreeRADIUS refused the TLS handshake (its ca_file does not anchor the client) and answered Access-Reject.
        Assert.True(_lab.WaitForHostLog("Access-Reject", TimeSpan.FromSeconds(10)), output + _lab.HostLog);
        Assert.DoesNotContain("established with", _lab.HostLog, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _radius.Dispose();
        _lab.Dispose();
        _pki.Dispose();
    }
}
