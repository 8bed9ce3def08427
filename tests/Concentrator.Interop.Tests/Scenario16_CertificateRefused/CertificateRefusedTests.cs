namespace Concentrator.Interop.Tests.Scenario16_CertificateRefused;

/// <summary>The gateway of scenario 16: an ECDSA PKI by pki, one client certificate revoked on the root's CRL that the
/// gateway loads at start; one lab for the whole class.</summary>
public sealed class CertificateRefusedLab : IDisposable
{
    public CertificateRefusedLab()
    {
        Revoked = Pki.Client("revoked", "ecdsa", 256, "revoked.crt.test");
        string crl = Pki.Pki.Crl("root", Pki.Root, Pki.RootKey, Revoked.CertFile);
        Lab = new RoadWarriorLab(overrides: Pki.Overrides(crl), namespacePrefix: "crt");
        Lab.StartCharon();
    }

    internal CertificateGateway Pki { get; } = new();

    internal (string CertPem, string KeyPem, string CertFile) Revoked { get; }

    internal RoadWarriorLab Lab { get; }

    public void Dispose()
    {
        Lab.Dispose();
        Pki.Dispose();
    }
}

/// <summary>
/// Issue 12, certificates, refused peers: a real strongSwan client with a revoked certificate (on the CRL file the
/// gateway loaded), an expired one, one from an unknown CA, and one whose IDi is not bound to its certificate gets
/// AUTHENTICATION_FAILED; nothing is installed, no lease is taken, and the gateway's log says why.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class CertificateRefusedTests : IClassFixture<CertificateRefusedLab>
{
    private readonly CertificateRefusedLab _fixture;

    public CertificateRefusedTests(CertificateRefusedLab fixture) => _fixture = fixture;

    private RoadWarriorLab Lab => _fixture.Lab;

    private string Ca => _fixture.Pki.Pki.Read(_fixture.Pki.Root);

    [Fact]
    public void StrongSwanClient_RevokedCertificate_AuthenticationFailedNoLease()
    {
        var (cert, key, _) = _fixture.Revoked;
        Lab.LoadCertificate("revoked", cert, key, Ca, CertificateGateway.GatewayId, "revoked.crt.test");

        AssertRefused("revoked.crt.test", "has a revoked certificate");
    }

    [Fact]
    public void StrongSwanClient_ExpiredCertificate_AuthenticationFailedNoLease()
    {
        var (cert, key, _) = _fixture.Pki.Client("expired", "ecdsa", 256, "expired.crt.test",
            notBefore: DateTime.UtcNow.AddDays(-30), notAfter: DateTime.UtcNow.AddDays(-1));
        Lab.LoadCertificate("expired", cert, key, Ca, CertificateGateway.GatewayId, "expired.crt.test");

        AssertRefused("expired.crt.test", "has an expired certificate");
    }

    [Fact]
    public void StrongSwanClient_UnknownCa_AuthenticationFailedNoLease()
    {
        string otherKey = _fixture.Pki.Pki.Key("other-ca", "ecdsa", 256);
        string other = _fixture.Pki.Pki.SelfCa("other-ca", otherKey, "C=CH, O=Somebody Else, CN=Other CA");
        var (cert, key, _) = _fixture.Pki.Client("stranger", "ecdsa", 256, "stranger.crt.test", issuer: other, issuerKey: otherKey);
        Lab.LoadCertificate("stranger", cert, key, Ca, CertificateGateway.GatewayId, "stranger.crt.test");

        // No connection's CAs anchor it, so no connection is chosen (the CERTREQ named our CA only).
        AssertRefused("stranger.crt.test", "does not chain to a CA of the connection");
    }

    [Fact]
    public void StrongSwanClient_IdiNotBoundToCertificate_AuthenticationFailedNoLease()
    {
        var (cert, key, _) = _fixture.Pki.Client("unbound", "ecdsa", 256, "unbound.crt.test");
        // strongSwan replaces an identity its certificate does not confirm, except a key identifier, which it binds
        // to the certificate's key: the gateway binds identities to the subject DN and subjectAltNames only.
        string keyId = KeyIdOf(cert);
        Lab.LoadCertificate("unbound", cert, key, Ca, CertificateGateway.GatewayId, "@#" + keyId);

        AssertRefused(keyId, "is not the subject or a subjectAltName of its certificate");
    }

    private void AssertRefused(string id, string reason)
    {
        var (code, output) = Lab.Initiate();

        Assert.True(code != 0, "initiate with a refused certificate succeeded:\n" + output);
        Assert.Contains("received AUTHENTICATION_FAILED notify error", Lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("ESTABLISHED", Lab.ListSas(), StringComparison.Ordinal);
        Assert.True(Lab.WaitForHostLog(reason, TimeSpan.FromSeconds(5)), $"no '{reason}' in the log:\n{Lab.HostLog}");
        // The identity (a key id is logged in hex, upper case) and the reason on the line that ends the SA.
        Assert.Matches(new System.Text.RegularExpressions.Regex(
            $"ended \\(AuthenticationFailed: [^\\n]*{System.Text.RegularExpressions.Regex.Escape(id)}[^\\n]*{System.Text.RegularExpressions.Regex.Escape(reason)}",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase), Lab.HostLog);
        Assert.DoesNotContain($" to {id}", Lab.HostLog, StringComparison.Ordinal);
        Assert.NotEqual(0, Lab.Ping(count: 1).Code);
    }

    private string KeyIdOf(string certPem)
    {
        string file = Path.Combine(_fixture.Pki.Pki.Path, "keyid-input.pem");
        File.WriteAllText(file, certPem);
        var (code, output) = Shell.Run("sh", "-c", $"pki --keyid --in {file} --type x509 2>/dev/null");
        Assert.True(code == 0, output);
        // "subjkey (SHA-1 of subjectPublicKey):" then "1a:2b:…" on the next line, what strongSwan matches ID_KEY_ID with.
        string[] lines = output.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith("subjkey", StringComparison.Ordinal));
        Assert.True(at >= 0 && at + 1 < lines.Length, output);
        return lines[at + 1].Trim().Replace(":", "", StringComparison.Ordinal);
    }
}
