using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Ocsp;
using Org.BouncyCastle.Ocsp;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>RFC 6960 responses checked against the certificate's CA: status, signer's authority, the certificate asked
/// about, and the response's times.</summary>
public class OcspCodecTests
{
    private static readonly Issued Root = TestPki.Ca();
    private static readonly Issued Leaf = TestPki.Leaf(Root);

    private static OcspAnswer Verify(byte[] response, DateTimeOffset? at = null) => OcspCodec.Verify(response, Leaf.Certificate, Root.Certificate, at ?? TestPki.Now);

    [Fact]
    public void Verify_GoodSignedByCa_Good()
    {
        OcspAnswer answer = Verify(OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1)));

        Assert.Equal(OcspStatus.Good, answer.Status);
        Assert.Equal(TestPki.Now.AddHours(1), answer.NextUpdate);
    }

    [Fact]
    public void Verify_Revoked_Revoked()
    {
        Assert.Equal(OcspStatus.Revoked, Verify(OcspFixtures.Response(Root, Leaf.Certificate, OcspFixtures.Revoked, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1))).Status);
    }

    [Fact]
    public void Verify_Unknown_Unknown()
    {
        Assert.Equal(OcspStatus.Unknown, Verify(OcspFixtures.Response(Root, Leaf.Certificate, OcspFixtures.Unknown, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1))).Status);
    }

    [Fact]
    public void Verify_SignedByAnotherKeyOfTheSameName_Invalid()
    {
        Issued impostor = TestPki.Ca();

        OcspAnswer answer = Verify(OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1), signer: impostor));

        Assert.Equal(OcspStatus.Invalid, answer.Status);
        Assert.Contains("signed neither", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PastNextUpdate_InvalidAsStale()
    {
        byte[] response = OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddHours(-2), TestPki.Now.AddHours(-1));

        OcspAnswer answer = Verify(response);

        Assert.Equal(OcspStatus.Invalid, answer.Status);
        Assert.Contains("stale", answer.Detail, StringComparison.Ordinal);
        Assert.Equal(OcspStatus.Good, Verify(response, TestPki.Now.AddHours(-1.5)).Status);
    }

    [Fact]
    public void Verify_WithoutNextUpdate_GoodOnlyShortlyAfterThisUpdate()
    {
        byte[] response = OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), null);

        Assert.Equal(OcspStatus.Good, Verify(response).Status);
        Assert.Equal(OcspStatus.Invalid, Verify(response, TestPki.Now.AddHours(1)).Status);
    }

    [Fact]
    public void Verify_ThisUpdateInTheFuture_Invalid()
    {
        Assert.Equal(OcspStatus.Invalid, Verify(OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddHours(1), TestPki.Now.AddHours(2))).Status);
    }

    [Fact]
    public void Verify_AboutAnotherCertificate_Invalid()
    {
        OcspAnswer answer = Verify(OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1), serialOverride: 424242));

        Assert.Equal(OcspStatus.Invalid, answer.Status);
        Assert.Contains("no status for serial", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DelegatedResponderWithOcspSigning_Good()
    {
        Issued responder = OcspFixtures.Responder(Root);

        Assert.Equal(OcspStatus.Good, Verify(OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1), signer: responder)).Status);
    }

    [Fact]
    public void Verify_DelegatedResponderWithoutOcspSigning_Invalid()
    {
        Issued responder = OcspFixtures.Responder(Root, ocspSigning: false);

        OcspAnswer answer = Verify(OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1), signer: responder));

        Assert.Equal(OcspStatus.Invalid, answer.Status);
        Assert.Contains("OCSPSigning", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ResponderIssuedByAnotherCa_Invalid()
    {
        Issued other = TestPki.Ca("C=CH, O=Other, CN=Other CA");
        Issued responder = OcspFixtures.Responder(other);

        Assert.Equal(OcspStatus.Invalid, Verify(OcspFixtures.Response(Root, Leaf.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1), signer: responder)).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3003 0a01 01")]
    [InlineData("30 82 ff ff 00")]
    public void Verify_NotSuccessfulOrMalformed_InvalidWithoutThrowing(string hex)
    {
        Assert.Equal(OcspStatus.Invalid, Verify(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))).Status);
    }

    [Fact]
    public void Request_OneCertId_NamesTheSerialAndIssuer()
    {
        var request = new OcspReq(OcspCodec.Request(Leaf.Certificate, Root.Certificate));

        Req single = Assert.Single(request.GetRequestList());
        Assert.Equal(new Org.BouncyCastle.Math.BigInteger(1, Leaf.Certificate.SerialNumberBytes.ToArray()), single.GetCertID().SerialNumber);
        Assert.True(single.GetCertID().MatchesIssuer(new Org.BouncyCastle.X509.X509Certificate(Root.Certificate.RawData)));
        Assert.False(request.IsSigned);
    }
}
