using System.Net;
using Concentrator.Interop.Tests.Lab;
using Concentrator.Server.Tests.Radius;

namespace Concentrator.Interop.Tests.Scenario30_EapTlsRadius;

/// <summary>
/// Interop scenario 30 (issue 12): EAP-TLS through a real FreeRADIUS. A strongSwan road warrior authenticates with
/// its certificate in EAP-TLS (RFC 5216) against a gateway with <c>remote.auth = eap-radius</c>, which proves itself
/// with its own certificate in IKE and relays the EAP conversation (every fragment and ACK) to FreeRADIUS's eap
/// module with its own TLS certificate; the client checks that one as <c>aaa_id</c>. The MSK comes back in
/// MS-MPPE keys (RFC 2548) and both AUTHs agree on it; the client pings through its virtual IP. FreeRADIUS's
/// Acct-Interim-Interval (2 s) and Session-Timeout (10 s) are honoured: Interim-Updates with the ping's octets, then
/// the gateway deletes the SA and sends Stop with Acct-Terminate-Cause Session-Timeout. A client of an
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
        // dave's Access-Accept asks for an Interim-Update every 2 s and ends the session after 10 s.
        _radius = new FreeRadius(AuthPort, AcctPort, netns: _lab.GatewayNamespace,
            tls: new FreeRadiusTls(server.CertPem, server.KeyPem, _pki.Pki.Read(_pki.Root)),
            users: $"{ClientId}\n\tAcct-Interim-Interval = 2,\n\tSession-Timeout = 10\n\n");
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
        var (ping, pingOutput) = _lab.Ping(count: 3, source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + pingOutput);

        // RFC 2869 §2.1: Interim-Updates on the Access-Accept's interval, carrying the octets so far (three echo
        // requests of 84 octets came in through the CHILD SA).
        string interim = WaitForRecord(r => r.Contains("Acct-Status-Type = Interim-Update", StringComparison.Ordinal)
            && Octets(r, "Acct-Input-Octets") >= 3 * 84, TimeSpan.FromSeconds(15));
        Assert.Contains($"User-Name = \"{ClientId}\"", interim, StringComparison.Ordinal);
        // RFC 2865 §5.27: Session-Timeout ends the session; the gateway deletes the IKE SA and says why in the Stop.
        string stop = WaitForRecord(r => r.Contains("Acct-Status-Type = Stop", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Contains("Acct-Terminate-Cause = Session-Timeout", stop, StringComparison.Ordinal);
        Assert.True(Octets(stop, "Acct-Input-Octets") >= 3 * 84, stop);
        Assert.True(_lab.WaitForHostLog("RADIUS Session-Timeout", TimeSpan.FromSeconds(10)), _lab.HostLog);
    }

    private static long Octets(string record, string attribute)
    {
        int at = record.IndexOf(attribute + " = ", StringComparison.Ordinal);
        if (at < 0)
        {
            return -1;
        }

        string rest = record[(at + attribute.Length + 3)..];
        return long.TryParse(rest[..(rest.IndexOf('\n') is var end and >= 0 ? end : rest.Length)].Trim(), out long value) ? value : -1;
    }

    private string WaitForRecord(Func<string, bool> wanted, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var text = File.Exists(_radius.DetailFile) ? File.ReadAllText(_radius.DetailFile) : "";
            if (text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(wanted) is { } record)
            {
                return record;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no such record in {_radius.DetailFile}:\n{text}\n{_lab.HostLog}");
            Thread.Sleep(200);
        }
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
