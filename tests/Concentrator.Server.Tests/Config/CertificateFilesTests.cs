using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Concentrator.Ike;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Config;

/// <summary>The certificate files of a pubkey connection, read into the responder's authenticator: our identity
/// defaults to the certificate's subject DN, the CAs and CRLs become the trust policy, and files that cannot be
/// what the key says are refused naming that key.</summary>
public sealed class CertificateFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concentrator-certfiles-").FullName;
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public CertificateFilesTests()
    {
        var request = new CertificateRequest("CN=Files CA, O=Example, C=CH", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Write("ca.pem", _ca.ExportCertificatePem());
        using var gwKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var gw = new CertificateRequest("CN=gw, O=Example, C=CH", gwKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("gw.example.net");
        gw.CertificateExtensions.Add(san.Build());
        using X509Certificate2 gwCert = gw.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), [7]);
        Write("gw.pem", gwCert.ExportCertificatePem());
        Write("gw.key", gwKey.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public void ResponderConfig_PubkeyWithoutLocalId_IdentityIsTheSubjectDn()
    {
        IkeSaConfig config = For("local { auth = pubkey, certs = [ \"gw.pem\" ], key = \"gw.key\" }\n remote { auth = pubkey, cacerts = [ \"ca.pem\" ] }");

        Assert.Equal(IdType.DerAsn1Dn, config.LocalIdentity.Type);
        Assert.Equal("C=CH, O=Example, CN=gw", config.LocalIdentity.ToString());
        var pubkey = Assert.IsType<PubkeyAuthenticator>(config.LocalAuthenticator);
        Assert.Same(pubkey, Assert.Single(config.RemoteAuthenticators));
        Assert.Equal(_ca.RawData, Assert.Single(pubkey.Trust!.Anchors).RawData);
    }

    [Fact]
    public void ResponderConfig_CrlOfTheCa_LoadedIntoTheTrustPolicy()
    {
        Write("ca.crl", PemEncoding.WriteString("X509 CRL", Crl(_caKey)));

        IkeSaConfig config = For("remote { auth = pubkey, cacerts = [ \"ca.pem\" ], crls = [ \"ca.crl\" ] }");

        var pubkey = Assert.IsType<PubkeyAuthenticator>(Assert.Single(config.RemoteAuthenticators));
        Assert.Single(pubkey.Trust!.Crls);
    }

    [Fact]
    public void ResponderConfig_CrlWithTheCasNameButAnotherKey_RefusedNamingTheCrl()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Write("forged.crl", PemEncoding.WriteString("X509 CRL", Crl(other)));

        var e = Assert.Throws<ConfigException>(() => For("remote { auth = pubkey, cacerts = [ \"ca.pem\" ], crls = [ \"forged.crl\" ] }"));

        Assert.Equal("rw.remote.crls[0]", e.Key);
        Assert.Contains("does not verify", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponderConfig_EndEntityAsCa_RefusedNamingCacerts()
    {
        var e = Assert.Throws<ConfigException>(() => For("remote { auth = pubkey, cacerts = [ \"gw.pem\" ] }"));

        Assert.Equal("rw.remote.cacerts[0]", e.Key);
        Assert.Contains("not a CA", e.Problem, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private byte[] Crl(ECDsa signer) => new CertificateRevocationListBuilder().Build(_ca.SubjectName, X509SignatureGenerator.CreateForECDsa(signer),
        BigInteger.One, DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA256,
        X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false), DateTimeOffset.UtcNow.AddDays(-1));

    [Fact]
    public void ResponderConfig_EapTls_EapOnlyWithAnEapTlsServerPerSa()
    {
        IkeSaConfig config = For("local { auth = pubkey, certs = [ \"gw.pem\" ], key = \"gw.key\" }\n remote { auth = eap-tls, cacerts = [ \"ca.pem\" ] }");

        Assert.Empty(config.RemoteAuthenticators);
        Assert.Null(config.RemoteEap!.EapIdentity);
        Assert.IsType<Concentrator.Ike.Auth.Eap.Tls.EapTlsServer>(config.RemoteEap.CreateServer());
        Assert.NotSame(config.RemoteEap.CreateServer(), config.RemoteEap.CreateServer());
    }

    [Theory]
    [InlineData("local { auth = psk }\n remote { auth = eap-tls, cacerts = [ \"ca.pem\" ] }", "rw.local.certs")]
    [InlineData("local { auth = pubkey, certs = [ \"gw.pem\" ], key = \"gw.key\" }\n remote { auth = eap-tls }", "rw.remote.cacerts")]
    public void ResponderConfig_EapTlsWithoutItsCertificates_RefusedNamingTheKey(string sides, string key)
    {
        var e = Assert.Throws<ConfigException>(() => For(sides));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains("eap-tls", e.Message, StringComparison.Ordinal);
    }

    private IkeSaConfig For(string sides)
    {
        string file = Path.Combine(_dir, "rw.conf");
        ConnectionSettings connection = Assert.Single(ConnectionFileSettings.From(ConfigurationFactory.ParseString($"rw {{ {sides} }}"), file).Connections);
        ServerSettings server = ServerSettings.From(ConfigurationFactory.Empty, "main.conf");
        return ResponderConfig.For(connection, Secrets.Empty, server);
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);
}
