using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>A peer's (or a CA's) public key, from its certificate, that checks signatures of the schemes its kind
/// makes. RSA and ECDSA verify in the BCL, Ed25519 through <see cref="Ed25519Signature"/>.</summary>
public sealed class VerifyingKey : IDisposable
{
    private const string Ed25519Oid = "1.3.101.112";

    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly byte[]? _ed25519;

    private VerifyingKey(SignatureKeyKind kind, RSA? rsa, ECDsa? ecdsa, byte[]? ed25519)
    {
        Kind = kind;
        _rsa = rsa;
        _ecdsa = ecdsa;
        _ed25519 = ed25519;
    }

    public SignatureKeyKind Kind { get; }

    /// <summary>The key of <paramref name="certificate"/>, or null when it is none of RSA, ECDSA P-256/384/521, Ed25519.</summary>
    public static VerifyingKey? From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            if (certificate.PublicKey.Oid.Value == Ed25519Oid)
            {
                return new VerifyingKey(SignatureKeyKind.Ed25519, null, null, certificate.PublicKey.EncodedKeyValue.RawData);
            }

            if (certificate.GetRSAPublicKey() is { } rsa)
            {
                return new VerifyingKey(SignatureKeyKind.Rsa, rsa, null, null);
            }

            if (certificate.GetECDsaPublicKey() is { } ecdsa)
            {
                return new VerifyingKey(SigningKey.CurveKind(ecdsa), null, ecdsa, null);
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            // A key the BCL cannot read (a curve it does not know, a malformed point) is no key we verify with.
        }

        return null;
    }

    /// <summary>Whether <paramref name="signature"/> is a signature of <paramref name="data"/> by this key under
    /// <paramref name="scheme"/>. Never throws for malformed signatures: they do not verify.</summary>
    public bool Verify(SignatureScheme scheme, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature,
        DSASignatureFormat ecdsaFormat = DSASignatureFormat.Rfc3279DerSequence)
    {
        if (!scheme.Fits(Kind))
        {
            return false;
        }

        try
        {
            return Kind switch
            {
                SignatureKeyKind.Rsa => _rsa!.VerifyData(data, signature, scheme.Hash(), scheme.IsPss() ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
                SignatureKeyKind.Ed25519 => Ed25519Signature.Verify(_ed25519, data, signature),
                _ => _ecdsa!.VerifyData(data, signature, scheme.Hash(), ecdsaFormat),
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }
}
