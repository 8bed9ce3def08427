using System.Security.Cryptography;
using Concentrator.Ike.Crypto.Signature;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>RFC 7427 AUTH data: the AlgorithmIdentifiers of Appendix A, PSS parameters, Ed25519, and signing keys
/// read from PEM.</summary>
public class CertSignatureSchemeTests
{
    [Theory]
    // DER of the identifiers as listed in RFC 7427 Appendix A (sha256WithRSAEncryption, ecdsa-with-SHA256, ...) and RFC 8410.
    [InlineData(SignatureScheme.RsaPkcs1Sha256, "300d06092a864886f70d01010b0500")]
    [InlineData(SignatureScheme.RsaPkcs1Sha384, "300d06092a864886f70d01010c0500")]
    [InlineData(SignatureScheme.RsaPkcs1Sha512, "300d06092a864886f70d01010d0500")]
    [InlineData(SignatureScheme.EcdsaSha256, "300a06082a8648ce3d040302")]
    [InlineData(SignatureScheme.EcdsaSha384, "300a06082a8648ce3d040303")]
    [InlineData(SignatureScheme.EcdsaSha512, "300a06082a8648ce3d040304")]
    [InlineData(SignatureScheme.Ed25519, "300506032b6570")]
    // RFC 7427 Appendix A.4.1 form: RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32.
    [InlineData(SignatureScheme.RsaPssSha256, "303d06092a864886f70d01010a3030a00d300b0609608648016503040201a11a301806092a864886f70d010108300b0609608648016503040201a203020120")]
    public void AlgorithmIdentifier_Scheme_IsExpectedDerAndParsesBack(SignatureScheme scheme, string der)
    {
        byte[] encoded = DigitalSignatureAuth.AlgorithmIdentifier(scheme);

        Assert.Equal(der, Convert.ToHexStringLower(encoded));
        Assert.True(DigitalSignatureAuth.TryParseIdentifier(encoded, out SignatureScheme back));
        Assert.Equal(scheme, back);
    }

    [Fact]
    public void TryParse_PssHashWithNullParameters_Accepted()
    {
        // RFC 4055 §2.1: NULL and absent hash parameters are equivalent; some implementations send NULL.
        byte[] der = Convert.FromHexString("304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120");

        Assert.True(DigitalSignatureAuth.TryParseIdentifier(der, out SignatureScheme scheme));
        Assert.Equal(SignatureScheme.RsaPssSha256, scheme);
    }

    [Fact]
    public void TryParse_Sha1OrUnknownOrTruncated_False()
    {
        // RFC 8247 §3.3: sha1WithRSAEncryption is not accepted in method 14.
        byte[] sha1 = Convert.FromHexString("300d06092a864886f70d0101050500");
        Assert.False(DigitalSignatureAuth.TryParse([(byte)sha1.Length, .. sha1, 1, 2, 3], out _, out _));
        Assert.False(DigitalSignatureAuth.TryParse([40, 1, 2], out _, out _));
        Assert.False(DigitalSignatureAuth.TryParse([], out _, out _));
    }

    [Theory]
    [InlineData(SignatureScheme.RsaPkcs1Sha256)]
    [InlineData(SignatureScheme.RsaPssSha384)]
    [InlineData(SignatureScheme.RsaPkcs1Sha1)]
    public void SignVerify_Rsa_VerifiesOnlyOriginalOctets(SignatureScheme scheme)
    {
        Issued leaf = TestPki.Leaf(TestPki.Ca(), key: RSA.Create(2048));
        using SigningKey key = SigningKey.FromPem(((RSA)leaf.Key!).ExportPkcs8PrivateKeyPem());
        using VerifyingKey verifier = VerifyingKey.From(leaf.Certificate)!;
        byte[] octets = RandomNumberGenerator.GetBytes(300);

        byte[] signature = key.Sign(scheme, octets);

        Assert.True(verifier.Verify(scheme, octets, signature));
        octets[0] ^= 1;
        Assert.False(verifier.Verify(scheme, octets, signature));
    }

    [Fact]
    public void SignVerify_Ed25519_RoundTripsThroughCertificate()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        using SigningKey key = SigningKey.FromEd25519Seed(seed);
        Issued leaf = TestPki.Ed25519Leaf(TestPki.Ca(), seed, key.PublicKeyBits());
        using VerifyingKey verifier = VerifyingKey.From(leaf.Certificate)!;
        byte[] octets = RandomNumberGenerator.GetBytes(200);

        byte[] signature = key.Sign(SignatureScheme.Ed25519, octets);

        Assert.Equal(SignatureKeyKind.Ed25519, verifier.Kind);
        Assert.Equal(64, signature.Length);
        Assert.True(verifier.Verify(SignatureScheme.Ed25519, octets, signature));
        Assert.False(verifier.Verify(SignatureScheme.Ed25519, octets.AsSpan(1), signature));
        Assert.False(verifier.Verify(SignatureScheme.EcdsaSha256, octets, signature));
    }

    [Fact]
    public void FromPem_Pkcs8Ed25519_SameKeyAsSeed()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        // RFC 8410 §10.3 layout: PrivateKeyInfo { 0, { 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }.
        byte[] der = [.. Convert.FromHexString("302e020100300506032b657004220420"), .. seed];
        string pem = PemEncodingText("PRIVATE KEY", der);

        using SigningKey key = SigningKey.FromPem(pem);
        using SigningKey fromSeed = SigningKey.FromEd25519Seed(seed);

        Assert.Equal(SignatureKeyKind.Ed25519, key.Kind);
        Assert.Equal(fromSeed.PublicKeyBits(), key.PublicKeyBits());
    }

    [Theory]
    [InlineData("no pem here")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    public void FromPem_NotAKey_FormatException(string pem)
    {
        Assert.Throws<FormatException>(() => SigningKey.FromPem(pem));
    }

    private static string PemEncodingText(string label, byte[] der) => new(System.Security.Cryptography.PemEncoding.Write(label, der));
}

/// <summary>Ed25519 in both engines (BouncyCastle, OpenSSL libcrypto) against RFC 8032 §7.1 TEST 1 and each other.</summary>
public class CertEd25519EngineTests
{
    private static readonly byte[] Seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static readonly byte[] Public = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static readonly byte[] Expected = Convert.FromHexString(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

    [Fact]
    public void BouncyCastle_Rfc8032Test1_ExpectedKeyAndSignature()
    {
        Assert.Equal(Public, Ed25519Signature.PublicKey(Seed));
        Assert.Equal(Expected, Ed25519Signature.SignBouncyCastle(Seed, []));
        Assert.True(Ed25519Signature.VerifyBouncyCastle(Public, [], Expected));
    }

    [Fact]
    public void OpenSsl_Rfc8032Test1_ExpectedKeyAndSignature()
    {
        using var key = Ed25519OpenSsl.PrivateKey(Seed);

        Assert.Equal(Public, Ed25519OpenSsl.PublicKey(key));
        Assert.Equal(Expected, Ed25519OpenSsl.Sign(key, []));
        Assert.True(Ed25519OpenSsl.Verify(Public, [], Expected));
    }

    [Fact]
    public void Engines_SameMessage_SameSignatureAndEachVerifiesTheOther()
    {
        byte[] message = RandomNumberGenerator.GetBytes(600);
        using var key = Ed25519OpenSsl.PrivateKey(Seed);

        byte[] fromOpenSsl = Ed25519OpenSsl.Sign(key, message);
        byte[] fromBouncy = Ed25519Signature.SignBouncyCastle(Seed, message);

        Assert.Equal(fromBouncy, fromOpenSsl);
        Assert.True(Ed25519OpenSsl.Verify(Public, message, fromBouncy));
        message[0] ^= 1;
        Assert.False(Ed25519OpenSsl.Verify(Public, message, fromBouncy));
        Assert.False(Ed25519Signature.VerifyBouncyCastle(Public, message, fromOpenSsl));
        Assert.False(Ed25519OpenSsl.Verify(new byte[32], message, fromOpenSsl));
    }
}
