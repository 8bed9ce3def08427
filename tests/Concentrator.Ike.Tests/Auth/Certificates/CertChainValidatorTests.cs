using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>Each flaw of a peer's chain is refused for its own reason (RFC 5280 §6 as IKE needs it).</summary>
public class CertChainValidatorTests
{
    private static readonly Issued Root = TestPki.Ca();

    private static ChainVerdict Validate(Issued leaf, IReadOnlyList<X509Certificate2>? intermediates = null, TrustPolicy? policy = null,
        DateTimeOffset? at = null) =>
        ChainValidator.Validate(policy ?? new TrustPolicy([Root.Certificate]), leaf.Certificate, intermediates ?? [], at ?? TestPki.Now);

    [Fact]
    public void Validate_LeafOfTrustedCa_Passes()
    {
        Assert.Null(Validate(TestPki.Leaf(Root)).Failure);
    }

    [Fact]
    public void Validate_ChainWithTwoIntermediates_PassesOnlyWithTheIntermediatesSent()
    {
        Issued first = TestPki.Ca("C=CH, O=Example, CN=Intermediate 1", Root);
        Issued second = TestPki.Ca("C=CH, O=Example, CN=Intermediate 2", first);
        Issued leaf = TestPki.Leaf(second);

        Assert.Null(Validate(leaf, [second.Certificate, first.Certificate]).Failure);
        Assert.Equal(AuthFailure.CertificateUntrusted, Validate(leaf, [second.Certificate]).Failure);
    }

    [Fact]
    public void Validate_Expired_RefusedAsExpired()
    {
        Issued leaf = TestPki.Leaf(Root, notBefore: TestPki.Now.AddDays(-30), notAfter: TestPki.Now.AddDays(-1));

        ChainVerdict verdict = Validate(leaf);

        Assert.Equal(AuthFailure.CertificateExpired, verdict.Failure);
        Assert.Contains("CN=client", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NotYetValid_RefusedAsNotYetValid()
    {
        Issued leaf = TestPki.Leaf(Root, notBefore: TestPki.Now.AddDays(1), notAfter: TestPki.Now.AddDays(30));

        Assert.Equal(AuthFailure.CertificateNotYetValid, Validate(leaf).Failure);
        Assert.Null(Validate(leaf, at: TestPki.Now.AddDays(2)).Failure);
    }

    [Fact]
    public void Validate_OtherCa_RefusedAsUntrusted()
    {
        Issued other = TestPki.Ca("C=CH, O=Other, CN=Other Root CA");

        Assert.Equal(AuthFailure.CertificateUntrusted, Validate(TestPki.Leaf(other)).Failure);
    }

    [Fact]
    public void Validate_SameNameOtherKey_RefusedAsUntrusted()
    {
        // An impostor CA with the trusted CA's name: the signature, not the name, decides.
        Issued impostor = TestPki.Ca();

        Assert.Equal(AuthFailure.CertificateUntrusted, Validate(TestPki.Leaf(impostor)).Failure);
    }

    [Fact]
    public void Validate_RevokedByCrl_RefusedAsRevoked()
    {
        Issued leaf = TestPki.Leaf(Root);
        Issued other = TestPki.Leaf(Root, subject: "C=CH, O=Example, CN=other");
        RevocationList crl = RevocationList.Parse(TestPki.Crl(Root, null, leaf.Certificate));
        var policy = new TrustPolicy([Root.Certificate]) { Crls = [crl] };

        Assert.Equal(AuthFailure.CertificateRevoked, Validate(leaf, policy: policy).Failure);
        Assert.Null(Validate(other, policy: policy).Failure);
    }

    [Fact]
    public void Validate_CrlPastNextUpdate_RefusedAsRevocationUnknown()
    {
        RevocationList crl = RevocationList.Parse(TestPki.Crl(Root, TestPki.Now.AddHours(-1)));
        var policy = new TrustPolicy([Root.Certificate]) { Crls = [crl] };

        Assert.Equal(AuthFailure.CertificateRevocationUnknown, Validate(TestPki.Leaf(Root), policy: policy).Failure);
    }

    [Fact]
    public void Validate_CrlSignedByAnotherKey_Ignored()
    {
        Issued leaf = TestPki.Leaf(Root);
        Issued impostor = TestPki.Ca();
        RevocationList forged = RevocationList.Parse(TestPki.Crl(impostor, null, leaf.Certificate));

        Assert.False(forged.IsSignedBy(Root.Certificate));
        Assert.Null(Validate(leaf, policy: new TrustPolicy([Root.Certificate]) { Crls = [forged] }).Failure);
    }

    [Fact]
    public void Validate_CaWithoutKeyCertSign_RefusedForKeyUsage()
    {
        Issued intermediate = TestPki.Ca("C=CH, O=Example, CN=No Sign CA", Root, usage: X509KeyUsageFlags.CrlSign);

        ChainVerdict verdict = Validate(TestPki.Leaf(intermediate), [intermediate.Certificate]);

        Assert.Equal(AuthFailure.CertificateKeyUsage, verdict.Failure);
        Assert.Contains("keyCertSign", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IssuerWithoutCaFlag_RefusedAsNotCa()
    {
        Issued intermediate = TestPki.Ca("C=CH, O=Example, CN=Not A CA", Root, caFlag: false);

        Assert.Equal(AuthFailure.CertificateNotCa, Validate(TestPki.Leaf(intermediate), [intermediate.Certificate]).Failure);
    }

    [Fact]
    public void Validate_PathLengthExceeded_RefusedAsNotCa()
    {
        Issued root = TestPki.Ca("C=CH, O=Example, CN=Short Root", pathLength: 0);
        Issued intermediate = TestPki.Ca("C=CH, O=Example, CN=Below Short Root", root);

        ChainVerdict verdict = Validate(TestPki.Leaf(intermediate), [intermediate.Certificate], new TrustPolicy([root.Certificate]));

        Assert.Equal(AuthFailure.CertificateNotCa, verdict.Failure);
        Assert.Contains("allows 0", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LeafWithoutDigitalSignature_RefusedForKeyUsage()
    {
        Issued leaf = TestPki.Leaf(Root, usage: X509KeyUsageFlags.KeyEncipherment);

        ChainVerdict verdict = Validate(leaf);

        Assert.Equal(AuthFailure.CertificateKeyUsage, verdict.Failure);
        Assert.Contains("digitalSignature", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownCriticalExtension_Refused()
    {
        var extension = new X509Extension(new Oid("1.3.6.1.4.1.99999.1"), [0x05, 0x00], critical: true);

        ChainVerdict verdict = Validate(TestPki.Leaf(Root, extra: extension));

        Assert.Equal(AuthFailure.CertificateCriticalExtension, verdict.Failure);
        Assert.Contains("1.3.6.1.4.1.99999.1", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownNonCriticalExtension_Passes()
    {
        var extension = new X509Extension(new Oid("1.3.6.1.4.1.99999.1"), [0x05, 0x00], critical: false);

        Assert.Null(Validate(TestPki.Leaf(Root, extra: extension)).Failure);
    }

    [Fact]
    public void Validate_ChainLongerThanLimit_RefusedAsTooLong()
    {
        Issued first = TestPki.Ca("C=CH, O=Example, CN=I1", Root);
        Issued second = TestPki.Ca("C=CH, O=Example, CN=I2", first);
        Issued leaf = TestPki.Leaf(second);
        var strict = new TrustPolicy([Root.Certificate]) { MaxChainLength = 3 };

        Assert.Equal(AuthFailure.CertificateChainTooLong, Validate(leaf, [second.Certificate, first.Certificate], strict).Failure);
        Assert.Null(Validate(leaf, [second.Certificate, first.Certificate], strict with { MaxChainLength = 4 }).Failure);
    }

    [Fact]
    public void Validate_RequiredEkuMissing_RefusedForExtendedKeyUsage()
    {
        const string ClientAuth = "1.3.6.1.5.5.7.3.2";
        var policy = new TrustPolicy([Root.Certificate]) { RequiredEku = ClientAuth };

        Assert.Equal(AuthFailure.CertificateExtendedKeyUsage, Validate(TestPki.Leaf(Root, eku: ["1.3.6.1.5.5.7.3.1"]), policy: policy).Failure);
        Assert.Null(Validate(TestPki.Leaf(Root, eku: [ClientAuth]), policy: policy).Failure);
    }

    [Fact]
    public void Validate_IssuerWithUndecodableBasicConstraints_MalformedNotThrown()
    {
        // A CA whose basicConstraints value is not DER: refused for it, never an exception out of the check.
        Issued broken = TestPki.Ca("C=CH, O=Example, CN=Broken CA", Root, usage: X509KeyUsageFlags.KeyCertSign);
        var request = new CertificateRequest(broken.Certificate.SubjectName, (ECDsa)broken.Key!, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension("2.5.29.19", [0x30, 0x03, 0x01, 0x01], critical: true));
        X509Certificate2 garbled = request.Create(Root.Certificate.SubjectName, Root.Signer, TestPki.Now.AddDays(-1), TestPki.Now.AddDays(5), [0x42]);
        Issued leaf = TestPki.Leaf(broken);

        ChainVerdict verdict = Validate(leaf, [garbled]);

        Assert.Equal(AuthFailure.CertificateMalformed, verdict.Failure);
    }

    [Fact]
    public void Validate_LeafWithUndecodableExtendedKeyUsage_MalformedNotThrown()
    {
        var garbled = new X509Extension("2.5.29.37", [0x30, 0x05, 0x06, 0x01], critical: false);
        var policy = new TrustPolicy([Root.Certificate]) { RequiredEku = "1.3.6.1.5.5.7.3.2" };

        ChainVerdict verdict = Validate(TestPki.Leaf(Root, extra: garbled), policy: policy);

        Assert.Equal(AuthFailure.CertificateMalformed, verdict.Failure);
    }

    [Fact]
    public void MayAnchor_ByNamesOnly_TrueOnlyForAChainUpToTheCa()
    {
        Issued intermediate = TestPki.Ca("C=CH, O=Example, CN=I1", Root);
        Issued other = TestPki.Ca("C=CH, O=Other, CN=Other Root CA");
        var policy = new TrustPolicy([Root.Certificate]);

        static CertificateNames Names(Issued c) => CertificateNames.Read(c.Certificate.RawData)!;

        Assert.True(ChainValidator.MayAnchor(policy, [Names(TestPki.Leaf(intermediate)), Names(intermediate)]));
        Assert.False(ChainValidator.MayAnchor(policy, [Names(TestPki.Leaf(intermediate))]));
        Assert.False(ChainValidator.MayAnchor(policy, [Names(TestPki.Leaf(other))]));
        Assert.Null(CertificateNames.Read(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }));
    }
}
