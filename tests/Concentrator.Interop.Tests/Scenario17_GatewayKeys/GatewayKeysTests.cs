using System.Net;

namespace Concentrator.Interop.Tests.Scenario17_GatewayKeys;

/// <summary>
/// Issue 12, certificates, the gateway's side: the gateway's own key is Ed25519 (signed through OpenSSL's
/// libcrypto), RSA-2048 with RSASSA-PSS (<c>local.rsa-pss = yes</c>) or ECDSA P-384; a real strongSwan client checks
/// the gateway's certificate and its RFC 7427 AUTH signature, and the tunnel carries a ping. One gateway per case.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class GatewayKeysTests
{
    [Theory]
    [InlineData("ed25519", 0, "", "ED25519")]
    [InlineData("rsa", 2048, ", rsa-pss = yes", "RSA_EMSA_PSS_SHA2_256_SALT_32")]
    [InlineData("ecdsa", 384, "", "ECDSA_WITH_SHA384_DER")]
    public void StrongSwanClient_GatewayKey_VerifiesGatewaySignatureAndPings(string type, int size, string localKeys, string scheme)
    {
        using var pki = new CertificateGateway(type, size);
        using var lab = new RoadWarriorLab(overrides: pki.OverridesWithLocal(localKeys), namespacePrefix: "crt");
        const string Id = "road.crt.test";
        var (cert, key, _) = pki.Client("road", "ecdsa", 256, Id);
        lab.StartCharon();
        lab.LoadCertificate("road", cert, key, pki.Pki.Read(pki.Root), CertificateGateway.GatewayId, Id);

        var (code, output) = lab.Swanctl(20, "--initiate", "--ike", "home", "--child", "lan");

        Assert.True(code == 0, $"swanctl --initiate failed:\n{output}\nhost:\n{lab.HostLog}");
        Assert.True(lab.CharonLog.Contains($"authentication of '{CertificateGateway.GatewayId}' with {scheme} successful", StringComparison.Ordinal), string.Join("\n", lab.CharonLog.Split("\n").Where(l => l.Contains("authentication of", StringComparison.Ordinal))));
        IPAddress vip = RoadWarriorLab.VirtualIp(lab.ListSas());
        var (ping, pingOutput) = lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, $"ping through the tunnel failed:\n{pingOutput}");
    }
}
