using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>
/// Our private key for AUTH signatures: RSA and ECDSA through the BCL (OpenSSL underneath), Ed25519 through
/// <see cref="Ed25519Signature"/> (the BCL has none). Loaded from PEM: PKCS#8 "PRIVATE KEY", "RSA PRIVATE KEY"
/// (PKCS#1) or "EC PRIVATE KEY" (RFC 5915), the forms <c>openssl</c> and strongSwan's <c>pki</c> write.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const string Ed25519Oid = "1.3.101.112";

    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly byte[]? _ed25519;
    private readonly LibCrypto.SafeEvpPKey? _ed25519Handle;

    private SigningKey(SignatureKeyKind kind, RSA? rsa, ECDsa? ecdsa, byte[]? ed25519)
    {
        Kind = kind;
        _rsa = rsa;
        _ecdsa = ecdsa;
        _ed25519 = ed25519;
        _ed25519Handle = ed25519 is null ? null : Ed25519Signature.SigningHandle(ed25519);
    }

    public SignatureKeyKind Kind { get; }

    /// <summary>Reads the first private key of <paramref name="pem"/>; <see cref="FormatException"/> with what was
    /// found when it holds none this class signs with.</summary>
    public static SigningKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out PemFields fields))
        {
            throw new FormatException("expected a PEM private key (-----BEGIN PRIVATE KEY-----), found no PEM block");
        }

        string label = pem[fields.Label];
        byte[] der = Convert.FromBase64String(pem[fields.Base64Data]);
        try
        {
            return label switch
            {
                "RSA PRIVATE KEY" => Rsa(r => r.ImportRSAPrivateKey(der, out _)),
                "EC PRIVATE KEY" => Ec(e => e.ImportECPrivateKey(der, out _)),
                "PRIVATE KEY" => FromPkcs8(der),
                _ => throw new FormatException($"expected a private key, found a PEM block '{label}'"),
            };
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"the '{label}' block is not a valid key: {e.Message}", e);
        }
    }

    /// <summary>An RSA or ECDSA key made elsewhere (tests, benchmarks); the key is owned from now on.</summary>
    public static SigningKey From(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new SigningKey(SignatureKeyKind.Rsa, rsa, null, null),
        ECDsa ecdsa => new SigningKey(CurveKind(ecdsa), null, ecdsa, null),
        _ => throw new ArgumentException($"expected an RSA or ECDSA key, got {key?.GetType().Name}", nameof(key)),
    };

    /// <summary>An Ed25519 key from its 32-octet seed (RFC 8032 §5.1.5).</summary>
    public static SigningKey FromEd25519Seed(ReadOnlySpan<byte> seed) =>
        seed.Length == 32 ? new SigningKey(SignatureKeyKind.Ed25519, null, null, seed.ToArray())
            : throw new FormatException($"expected a 32-octet Ed25519 seed, got {seed.Length} octets");

    /// <summary>The public key as a SubjectPublicKeyInfo's subjectPublicKey bits, to compare with a certificate's.</summary>
    public byte[] PublicKeyBits() => Kind switch
    {
        SignatureKeyKind.Rsa => SubjectPublicKeyInfo.KeyBits(_rsa!.ExportSubjectPublicKeyInfo()),
        SignatureKeyKind.Ed25519 => Ed25519Signature.PublicKey(_ed25519!),
        _ => SubjectPublicKeyInfo.KeyBits(_ecdsa!.ExportSubjectPublicKeyInfo()),
    };

    /// <summary>Signs <paramref name="data"/> with <paramref name="scheme"/>; ECDSA values in
    /// <paramref name="ecdsaFormat"/> (DER for RFC 7427, r|s for the classic methods of RFC 4754).</summary>
    public byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> data, DSASignatureFormat ecdsaFormat = DSASignatureFormat.Rfc3279DerSequence)
    {
        if (!scheme.Fits(Kind))
        {
            throw new ArgumentException($"a {Kind} key does not sign {scheme}", nameof(scheme));
        }

        return Kind switch
        {
            SignatureKeyKind.Rsa => _rsa!.SignData(data.ToArray(), scheme.Hash(), scheme.IsPss() ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            SignatureKeyKind.Ed25519 => Ed25519Signature.Sign(_ed25519!, _ed25519Handle, data),
            _ => _ecdsa!.SignData(data, scheme.Hash(), ecdsaFormat),
        };
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
        _ed25519Handle?.Dispose();
        if (_ed25519 is not null)
        {
            CryptographicOperations.ZeroMemory(_ed25519);
        }
    }

    internal static SignatureKeyKind CurveKind(ECDsa ecdsa) => ecdsa.KeySize switch
    {
        256 => SignatureKeyKind.EcdsaP256,
        384 => SignatureKeyKind.EcdsaP384,
        521 => SignatureKeyKind.EcdsaP521,
        _ => throw new FormatException($"expected an ECDSA key on P-256, P-384 or P-521, got a {ecdsa.KeySize}-bit curve"),
    };

    private static SigningKey FromPkcs8(byte[] der)
    {
        // PrivateKeyInfo ::= SEQUENCE { version, privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING, … }
        var reader = new AsnReader(der, AsnEncodingRules.BER);
        AsnReader info = reader.ReadSequence();
        _ = info.ReadInteger();
        string oid = info.ReadSequence().ReadObjectIdentifier();
        if (oid == Ed25519Oid)
        {
            // RFC 8410 §7: the privateKey OCTET STRING holds CurvePrivateKey ::= OCTET STRING (the 32-octet seed).
            var inner = new AsnReader(info.ReadOctetString(), AsnEncodingRules.BER);
            return FromEd25519Seed(inner.ReadOctetString());
        }

        return oid switch
        {
            "1.2.840.113549.1.1.1" => Rsa(r => r.ImportPkcs8PrivateKey(der, out _)),
            "1.2.840.10045.2.1" => Ec(e => e.ImportPkcs8PrivateKey(der, out _)),
            _ => throw new FormatException($"expected an RSA, ECDSA or Ed25519 private key, got algorithm {oid}"),
        };
    }

    private static SigningKey Rsa(Action<RSA> import)
    {
        var rsa = System.Security.Cryptography.RSA.Create();
        import(rsa);
        return new SigningKey(SignatureKeyKind.Rsa, rsa, null, null);
    }

    private static SigningKey Ec(Action<ECDsa> import)
    {
        var ecdsa = ECDsa.Create();
        import(ecdsa);
        return new SigningKey(CurveKind(ecdsa), null, ecdsa, null);
    }
}
