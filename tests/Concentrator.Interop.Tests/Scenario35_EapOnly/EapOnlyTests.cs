using System.Net;

namespace Concentrator.Interop.Tests.Scenario35_EapOnly;

/// <summary>
/// Interop scenario 35 (issue 12): EAP-only authentication (RFC 5998) with a real strongSwan 5.9.8 road warrior.
/// strongSwan's initiator always sends EAP_ONLY_AUTHENTICATION in its first IKE_AUTH; the gateway's eap-tls
/// connection has <c>remote.eap-only = yes</c>, so it answers with IDr and the EAP-TLS start only (no CERT, no AUTH).
/// The client, configured to authenticate the gateway by EAP-TLS (<c>remote.auth = eap-tls</c>), checks the gateway's
/// certificate inside TLS, logs "allow mutual EAP-only authentication" and verifies the gateway's AUTH from the MSK;
/// it gets a virtual IP and pings. Needs root and strongSwan's eap-tls plugin; fails, never skips, without them.
/// </summary>
public sealed class EapOnlyTests : IDisposable
{
    private const string Pool = "10.96.0.0/24";

    private const string ClientId = "dave@crt.test";

    private readonly CertificateGateway _pki = new();

    private readonly RoadWarriorLab _lab;

    public EapOnlyTests()
    {
        _lab = new RoadWarriorLab(overrides: _pki.EapTlsOverrides(Pool, eapOnly: true), namespacePrefix: "ea");
    }

    [Fact]
    public void StrongSwanClient_EapTlsOnly_GatewaySendsNoAuthOfItsOwnClientAllowsMutualEapOnlyAndPings()
    {
        _lab.StartCharon();
        var dave = _pki.Client("dave", "ecdsa", 256, ClientId);
        _lab.LoadEapTls("dave", dave.CertPem, dave.KeyPem, _pki.Pki.Read(_pki.Root), ClientId, CertificateGateway.GatewayId, eapOnly: true);

        _lab.MustInitiate();

        var sas = _lab.ListSas();
        IPAddress vip = RoadWarriorLab.VirtualIp(sas);
        Assert.True(IPNetwork.Parse(Pool).Contains(vip), $"{vip} is not from {Pool}:\n{sas}");
        Assert.Contains("allow mutual EAP-only authentication", _lab.CharonLog, StringComparison.Ordinal);
        Assert.True(_lab.WaitForHostLog("EAP-only authentication (RFC 5998)", TimeSpan.FromSeconds(5)), _lab.HostLog);
        var (ping, output) = _lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);
    }

    public void Dispose()
    {
        _lab.Dispose();
        _pki.Dispose();
    }
}
