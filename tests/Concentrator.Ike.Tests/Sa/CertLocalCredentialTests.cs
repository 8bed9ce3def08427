using System.Security.Cryptography;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Tests.Auth.Certificates;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Our certificate credential: which AUTH method it signs with for a peer (RFC 7427 §4 or the classic
/// methods), which certificates a CERTREQ makes it send (RFC 7296 §3.7), and that its key must be its certificate's.</summary>
public class CertLocalCredentialTests
{
    private static readonly Issued Root = TestPki.Ca();
    private static readonly Issued Gateway = TestPki.Leaf(Root, "C=CH, O=Example, CN=vpn.example.org", dns: ["vpn.example.org"]);
    private static readonly byte[] EdSeed = RandomNumberGenerator.GetBytes(32);

    [Theory]
    [InlineData("rsa", AuthMethod.RsaDigitalSignature)]
    [InlineData("p256", AuthMethod.EcdsaSha256P256)]
    [InlineData("p384", AuthMethod.EcdsaSha384P384)]
    public void AuthSignature_PeerWithoutSignatureHashes_ClassicMethodThatVerifies(string kind, AuthMethod expected)
    {
        AsymmetricAlgorithm key = kind switch
        {
            "rsa" => RSA.Create(2048),
            "p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        };
        Issued leaf = TestPki.Leaf(Root, key: key);
        using var local = LocalCertificate.Create([leaf.Certificate], SigningKey.From(key));
        byte[] octets = RandomNumberGenerator.GetBytes(100);

        SignatureChoice choice = AuthSignature.Choose(local, [])!;
        var auth = new AuthPayload(choice.Method, AuthSignature.Sign(local.Key, choice, octets));
        using VerifyingKey verifier = VerifyingKey.From(leaf.Certificate)!;

        Assert.Equal(expected, choice.Method);
        Assert.Null(AuthSignature.Verify(verifier, auth, octets));
        octets[^1] ^= 1;
        Assert.NotNull(AuthSignature.Verify(verifier, auth, octets));
    }

    [Fact]
    public void AuthSignature_Ed25519PeerWithoutIdentityHash_NoMethod()
    {
        using var local = LocalCertificate.Create([Ed25519Client().Certificate], SigningKey.FromEd25519Seed(EdSeed));

        Assert.Null(AuthSignature.Choose(local, [SignatureHash.Sha256]));
        Assert.Equal(AuthMethod.DigitalSignature, AuthSignature.Choose(local, [SignatureHash.Identity])!.Method);
    }

    [Fact]
    public void ChainFor_CertReqNamingAnIntermediate_ChainBelowItOnly()
    {
        Issued first = TestPki.Ca("C=CH, O=Example, CN=I1", Root);
        Issued second = TestPki.Ca("C=CH, O=Example, CN=I2", first);
        Issued leaf = TestPki.Leaf(second);
        using var local = LocalCertificate.Create([leaf.Certificate, second.Certificate, first.Certificate], SigningKey.From(leaf.Key!));
        byte[] Hash(Issued ca) => TrustPolicy.KeyHash(ca.Certificate);

        Assert.Equal([leaf.Certificate, second.Certificate], local.ChainFor([Hash(first)]));
        Assert.Equal([leaf.Certificate], local.ChainFor([Hash(second)]));
        Assert.Equal([leaf.Certificate, second.Certificate, first.Certificate], local.ChainFor([Hash(Root)]));
        Assert.Equal([leaf.Certificate, second.Certificate, first.Certificate], local.ChainFor([]));
    }

    [Fact]
    public void LocalCertificate_KeyOfAnotherCertificate_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => LocalCertificate.Create([Gateway.Certificate], SigningKey.From(ECDsa.Create(ECCurve.NamedCurves.nistP256))));

        Assert.Contains("is not the key of certificate 'C=CH, O=Example, CN=vpn.example.org'", e.Message, StringComparison.Ordinal);
    }

    private static Issued Ed25519Client()
    {
        using SigningKey key = SigningKey.FromEd25519Seed(EdSeed);
        return TestPki.Ed25519Leaf(Root, EdSeed, key.PublicKeyBits());
    }
}
