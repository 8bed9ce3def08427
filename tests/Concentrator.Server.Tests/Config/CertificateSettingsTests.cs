using Akka.Configuration;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

/// <summary>The certificate keys of a connection: paths relative to the connection file, EKU names, and the keys
/// auth = pubkey needs.</summary>
public class CertificateSettingsTests
{
    private static ConnectionSettings Read(string text, string file = "/etc/concentrator/config/rw.conf") =>
        Assert.Single(ConnectionFileSettings.From(ConfigurationFactory.ParseString(text), file).Connections);

    [Fact]
    public void Read_RelativePaths_ResolvedAgainstTheConnectionFilesFolder()
    {
        ConnectionSettings c = Read("""
            rw {
                local { auth = pubkey, certs = [ "certs/gw.pem", "/abs/int.pem" ], key = "private/gw.key" }
                remote { auth = pubkey, cacerts = [ "cacerts/ca.pem" ], crls = [ "crls/ca.crl" ], eku = clientAuth }
            }
            """);

        Assert.Equal(["/etc/concentrator/config/certs/gw.pem", "/abs/int.pem"], c.Certificates.LocalCerts);
        Assert.Equal("/etc/concentrator/config/private/gw.key", c.Certificates.LocalKey);
        Assert.Equal(["/etc/concentrator/config/cacerts/ca.pem"], c.Certificates.RemoteCaCerts);
        Assert.Equal(["/etc/concentrator/config/crls/ca.crl"], c.Certificates.RemoteCrls);
        Assert.Equal("1.3.6.1.5.5.7.3.2", c.Certificates.RemoteEku);
        Assert.False(c.Certificates.RsaPss);
    }

    [Fact]
    public void Read_NoRevocationKeys_RelaxedWithoutUris()
    {
        CertificateSettings s = Read("rw { remote { auth = pubkey, cacerts = [ \"ca.pem\" ] } }").Certificates;

        Assert.Equal(RevocationPolicy.Relaxed, s.RemoteRevocation);
        Assert.Empty(s.RemoteOcspUris);
        Assert.Empty(s.RemoteCrlUris);
    }

    [Fact]
    public void Read_RevocationKeys_Parsed()
    {
        CertificateSettings s = Read("""
            rw { remote { revocation = ifuri, ocsp-uris = [ "http://ocsp.example.org/" ], crl-uris = [ "http://ca.example.org/ca.crl" ] } }
            """).Certificates;

        Assert.Equal(RevocationPolicy.IfUri, s.RemoteRevocation);
        Assert.Equal([new Uri("http://ocsp.example.org/")], s.RemoteOcspUris);
        Assert.Equal([new Uri("http://ca.example.org/ca.crl")], s.RemoteCrlUris);
    }

    [Fact]
    public void Read_RsaPssYes_Set()
    {
        Assert.True(Read("rw { local { rsa-pss = yes } }").Certificates.RsaPss);
    }

    [Theory]
    [InlineData("rw { local { auth = pubkey, key = \"k.pem\" } }", "rw.local.certs")]
    [InlineData("rw { local { auth = pubkey, certs = [ \"c.pem\" ] } }", "rw.local.key")]
    [InlineData("rw { remote { auth = pubkey } }", "rw.remote.cacerts")]
    [InlineData("rw { remote { eku = \"client auth\" } }", "rw.remote.eku")]
    [InlineData("rw { local { rsa-pss = maybe } }", "rw.local.rsa-pss")]
    [InlineData("rw { remote { revocation = sometimes } }", "rw.remote.revocation")]
    [InlineData("rw { remote { ocsp-uris = [ \"ldap://ca.example.org/\" ] } }", "rw.remote.ocsp-uris")]
    [InlineData("rw { remote { crl-uris = [ \"ca.crl\" ] } }", "rw.remote.crl-uris")]
    public void Read_IncompletePubkey_ConfigExceptionNamingTheKey(string text, string key)
    {
        var e = Assert.Throws<ConfigException>(() => Read(text));

        Assert.Equal(key, e.Key);
    }
}
