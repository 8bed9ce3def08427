using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Concentrator.Host.Tests;

/// <summary>Certificate connections are checked by check-config exactly as by run (one validation path): missing
/// keys, missing or unreadable files and a key that is not the certificate's fail naming the file, the key and what
/// was expected; a complete pubkey connection passes.</summary>
public sealed class AuthMethodCheckTests
{
    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_RemoteAuthPubkeyWithoutCas_RefusedNamingRemoteCacerts(string verb)
    {
        using var dir = new TempDir();
        var (code, error, conn) = RunWith(dir, verb, "rw { remote.auth = pubkey, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.remote.cacerts': expected the CA certificate files", error, StringComparison.Ordinal);
        Assert.DoesNotContain("local.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_LocalAuthPubkeyWithoutCerts_RefusedNamingLocalCerts(string verb)
    {
        using var dir = new TempDir();
        var (code, error, conn) = RunWith(dir, verb, "rw { local.auth = pubkey, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.local.certs': expected our certificate file", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_MissingCaFile_RefusedNamingFileAndKey(string verb)
    {
        using var dir = new TempDir();
        var (code, error, conn) = RunWith(dir, verb, Pubkey(dir, cacerts: "missing-ca.pem"));

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.remote.cacerts[0]': expected a readable file with PEM certificates", error, StringComparison.Ordinal);
        Assert.Contains("missing-ca.pem", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_KeyOfAnotherCertificate_RefusedNamingLocalKey(string verb)
    {
        using var dir = new TempDir();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        dir.Write("conns/other.key", other.ExportPkcs8PrivateKeyPem());
        var (code, error, conn) = RunWith(dir, verb, Pubkey(dir, key: "other.key"));

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.local.key': expected the private key of certificate 'CN=vpn.example.org'", error, StringComparison.Ordinal);
        Assert.Contains("other.key' holds another EcdsaP256 key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_UnreadablePem_RefusedNamingLocalCerts()
    {
        using var dir = new TempDir();
        dir.Write("conns/garbage.pem", "this is no certificate");
        var (code, error, conn) = RunWith(dir, "check-config", Pubkey(dir, cert: "garbage.pem"));

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.local.certs[0]': expected PEM certificates in", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_LocalIdNotInCertificate_RefusedNamingLocalId()
    {
        using var dir = new TempDir();
        var (code, error, conn) = RunWith(dir, "check-config", Pubkey(dir, localId: "other.example.org"));

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.local.id': expected an identity of our certificate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_CompletePubkeyConnection_Passes()
    {
        using var dir = new TempDir();
        var (code, error, _) = RunWith(dir, "check-config", Pubkey(dir));

        Assert.True(code == 0, error);
    }

    /// <summary>A pubkey connection over a CA and a gateway certificate written into conns/ (relative paths).</summary>
    private static string Pubkey(TempDir dir, string cert = "gw.pem", string key = "gw.key", string cacerts = "ca.pem", string localId = "vpn.example.org")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var gwKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var gwRequest = new CertificateRequest("CN=vpn.example.org", gwKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("vpn.example.org");
        gwRequest.CertificateExtensions.Add(san.Build());
        using var gw = gwRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), [1, 2, 3]);
        dir.Write("conns/ca.pem", ca.ExportCertificatePem());
        dir.Write("conns/gw.pem", gw.ExportCertificatePem());
        dir.Write("conns/gw.key", gwKey.ExportPkcs8PrivateKeyPem());
        return $$"""
            rw {
                local { auth = pubkey, id = "{{localId}}", certs = [ "{{cert}}" ], key = "{{key}}" }
                remote { auth = pubkey, cacerts = [ "{{cacerts}}" ] }
                pools = [ "10.231.11.0/30" ]
                ipsec-interface = no
            }
            """;
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_RemoteAuthEapWithoutEapSecrets_RefusedNamingFileAndRemoteAuth(string verb)
    {
        using var dir = new TempDir();
        var (code, error, conn) = RunWith(dir, verb, "rw { remote.auth = eap-mschapv2, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.remote.auth': expected EAP users in an eap-secrets", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_RemoteAuthEapRadiusWithoutRadiusServers_RefusedNamingFileAndRemoteAuth(string verb)
    {
        using var dir = new TempDir();
        var (code, error, conn) = RunWith(dir, verb, "rw { remote.auth = eap-radius, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.remote.auth': expected RADIUS servers in concentrator.radius.servers", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check-config")]
    [InlineData("run")]
    public void Verb_RemoteAuthEapTlsWithoutGatewayCertificate_RefusedNamingFileAndLocalCerts(string verb)
    {
        using var dir = new TempDir();
        var (code, error, conn) = RunWith(dir, verb, "rw { remote.auth = eap-tls, pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }");

        Assert.Equal(78, code);
        Assert.Contains($"{conn}: key 'rw.local.certs': expected the gateway's certificate and key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_RemoteAuthEapRadiusWithRadiusServers_Accepted()
    {
        using var dir = new TempDir();
        var (code, error, _) = RunWith(dir, "check-config", "rw { remote.auth = eap-radius, remote.eap-id = \"%any\", pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }",
            "\nconcentrator.radius.servers = [ { address = \"192.0.2.10\", secret = \"s\" } ]");

        Assert.True(code == 0, error);
    }

    [Fact]
    public void CheckConfig_RemoteAuthEapWithEapSecrets_Accepted()
    {
        using var dir = new TempDir();
        var (code, error, _) = RunWith(dir, "check-config",
            "rw { remote.auth = eap-mschapv2, remote.eap-id = \"%any\", pools = [ \"10.231.11.0/30\" ], ipsec-interface = no }\neap-secrets { \"alice\" = \"pw\" }");

        Assert.True(code == 0, error);
    }

    private static (int Code, string Error, string ConnectionFile) RunWith(TempDir dir, string verb, string connection, string mainMore = "")
    {
        var (port, natT) = TestPorts.FreePair();
        var conn = dir.Write("conns/rw.conf", connection + "\nsecrets { \"%any\" = \"x\" }");
        var main = dir.Write("main.conf", "concentrator { config-dir = conns, dataplane = userspace, ike { listen = [ \"127.0.0.1\" ], port = "
            + port + ", nat-t-port = " + natT + " } }\nakka.loglevel = WARNING" + mainMore);
        using var output = new StringWriter();
        using var error = new StringWriter();
        // Bounded: a run that wrongly started would otherwise serve forever.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var code = Program.Run([verb, "--config", main], output, error, stop.Token);

        return (code, error.ToString(), conn);
    }
}
