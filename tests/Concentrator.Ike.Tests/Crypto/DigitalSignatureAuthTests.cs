using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class DigitalSignatureAuthTests
{
    [Theory]
    // DER of the identifiers as listed in RFC 7427 Appendix A (sha256WithRSAEncryption, ecdsa-with-SHA256, ...).
    [InlineData(SignatureScheme.RsaPkcs1Sha256, "300d06092a864886f70d01010b0500")]
    [InlineData(SignatureScheme.RsaPkcs1Sha384, "300d06092a864886f70d01010c0500")]
    [InlineData(SignatureScheme.RsaPkcs1Sha512, "300d06092a864886f70d01010d0500")]
    [InlineData(SignatureScheme.EcdsaSha256, "300a06082a8648ce3d040302")]
    [InlineData(SignatureScheme.EcdsaSha384, "300a06082a8648ce3d040303")]
    [InlineData(SignatureScheme.EcdsaSha512, "300a06082a8648ce3d040304")]
    public void AlgorithmIdentifier_Scheme_IsRfc7427Der(SignatureScheme scheme, string der)
    {
        Assert.Equal(der, Convert.ToHexStringLower(DigitalSignatureAuth.AlgorithmIdentifier(scheme)));
    }

    [Fact]
    public void SignThenVerify_Ecdsa_EnvelopeStartsWithIdentifierAndVerifies()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] octets = RandomNumberGenerator.GetBytes(500);

        byte[] auth = DigitalSignatureAuth.Sign(key, SignatureScheme.EcdsaSha256, octets);

        Assert.Equal(12, auth[0]);
        Assert.Equal(DigitalSignatureAuth.AlgorithmIdentifier(SignatureScheme.EcdsaSha256), auth[1..13]);
        Assert.True(DigitalSignatureAuth.Verify(key, auth, octets));
        octets[0] ^= 1;
        Assert.False(DigitalSignatureAuth.Verify(key, auth, octets));
    }

    [Fact]
    public void SignThenVerify_Rsa_VerifiesOnlyWithRsaKeyAndOriginalOctets()
    {
        using RSA key = RSA.Create(2048);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] octets = RandomNumberGenerator.GetBytes(300);

        byte[] auth = DigitalSignatureAuth.Sign(key, SignatureScheme.RsaPkcs1Sha384, octets);

        Assert.True(DigitalSignatureAuth.TryParse(auth, out SignatureScheme scheme, out ReadOnlySpan<byte> signature));
        Assert.Equal(SignatureScheme.RsaPkcs1Sha384, scheme);
        Assert.Equal(256, signature.Length);
        Assert.True(DigitalSignatureAuth.Verify(key, auth, octets));
        Assert.False(DigitalSignatureAuth.Verify(other, auth, octets));
        Assert.False(DigitalSignatureAuth.Verify(key, auth.AsSpan(0, auth.Length - 1), octets));
    }

    [Fact]
    public void TryParse_UnknownIdentifierOrTruncated_ReturnsFalse()
    {
        // sha1WithRSAEncryption is not accepted (RFC 8247 §3.3: SHA-1 signatures MUST NOT be used).
        byte[] sha1 = Convert.FromHexString("300d06092a864886f70d0101050500");
        Assert.False(DigitalSignatureAuth.TryParse([(byte)sha1.Length, .. sha1, 1, 2, 3], out _, out _));
        Assert.False(DigitalSignatureAuth.TryParse([40, 1, 2], out _, out _));
        Assert.False(DigitalSignatureAuth.TryParse([], out _, out _));
    }
}
