using System.Net;

namespace Concentrator.Interop.Tests.Scenario14_CertificateClients;

/// <summary>The gateway of scenario 14: certificates by strongSwan's pki (ECDSA P-256 CA and gateway), one lab for
/// the whole class.</summary>
public sealed class CertificateClientsLab : IDisposable
{
    internal CertificateGateway Pki { get; } = new();

    internal RoadWarriorLab Lab { get; }

    public CertificateClientsLab()
    {
        Lab = new RoadWarriorLab(overrides: Pki.Overrides(), namespacePrefix: "crt");
        Lab.StartCharon();
    }

    public void Dispose()
    {
        Lab.Dispose();
        Pki.Dispose();
    }
}

/// <summary>
/// Issue 12, certificates: real strongSwan road warriors with RSA-2048, ECDSA P-256, ECDSA P-384 and Ed25519 client
/// certificates (made by <c>pki</c>) authenticate to the real Host (connection "certs", pubkey both ways), which
/// authenticates with its own ECDSA certificate; each gets a virtual IP from the connection's pool and pings the LAN
/// through the tunnel. The client checks the gateway's certificate against the CA (remote.auth = pubkey).
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class CertificateClientsTests : IClassFixture<CertificateClientsLab>
{
    private readonly CertificateClientsLab _fixture;

    public CertificateClientsTests(CertificateClientsLab fixture) => _fixture = fixture;

    [Theory]
    [InlineData("rsa", 2048, "Rsa", "RSA_EMSA_PKCS1_SHA2_256")]
    [InlineData("ecdsa", 256, "EcdsaP256", "ECDSA_WITH_SHA256_DER")]
    [InlineData("ecdsa", 384, "EcdsaP384", "ECDSA_WITH_SHA384_DER")]
    [InlineData("ed25519", 0, "Ed25519", "ED25519")]
    public void StrongSwanClient_Certificate_GetsVirtualIpAndPings(string type, int size, string label, string scheme)
    {
        RoadWarriorLab lab = _fixture.Lab;
        string id = $"{label.ToLowerInvariant()}.crt.test";
        var (cert, key, _) = _fixture.Pki.Client(label, type, size, id);
        lab.LoadCertificate(label, cert, key, _fixture.Pki.Pki.Read(_fixture.Pki.Root), CertificateGateway.GatewayId, id);

        try
        {
            var (code, output) = lab.Swanctl(20, "--initiate", "--ike", "home", "--child", "lan");
            Assert.True(code == 0, $"swanctl --initiate failed:\n{output}\nhost:\n{lab.HostLog}");
            var sas = lab.ListSas();
            Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
            IPAddress vip = RoadWarriorLab.VirtualIp(sas);
            Assert.True(IPNetwork.Parse(CertificateGateway.Pool).Contains(vip), $"{vip} is not from {CertificateGateway.Pool}");

            // The client signed with its key's RFC 7427 scheme, we verified it; strongSwan verified our certificate and
            // our signature (the log is the lab's whole charon log, so the client's own line names this client).
            Assert.Contains($"authentication of '{id}' (myself) with {scheme} successful", lab.CharonLog, StringComparison.Ordinal);
            Assert.Contains($"authentication of '{CertificateGateway.GatewayId}' with ECDSA_WITH_SHA256_DER successful", lab.CharonLog, StringComparison.Ordinal);
            Assert.True(lab.WaitForHostLog($"established with {id}", TimeSpan.FromSeconds(5)), lab.HostLog);
            var (ping, pingOutput) = lab.Ping(count: 1, source: vip);
            Assert.True(ping == 0, $"ping through the tunnel failed:\n{pingOutput}");
        }
        finally
        {
            lab.Terminate();
        }
    }
}
