using System.Security.Cryptography;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>The AUTH method and signature scheme we sign with.</summary>
internal sealed record SignatureChoice(AuthMethod Method, SignatureScheme Scheme);

/// <summary>Signature AUTH data: which method and scheme (RFC 7427 §4 or the classic methods), signing and verifying.</summary>
internal static class AuthSignature
{
    /// <summary>Method 14 with the best scheme of the key whose hash the peer announced in SIGNATURE_HASH_ALGORITHMS
    /// (RFC 7427 §4: "the sender ... MUST use one of the hash algorithms" the peer announced); without the notify,
    /// the classic method of the key: 1 for RSA (RSASSA-PKCS1-v1_5 with SHA-1, RFC 7296 §3.8), 9/10/11 for ECDSA
    /// (RFC 4754). Null when no method fits (Ed25519 towards a peer that does not announce "Identity").</summary>
    public static SignatureChoice? Choose(LocalCertificate local, IReadOnlyList<ushort> peerHashes)
    {
        SignatureKeyKind kind = local.Key.Kind;
        foreach (SignatureScheme scheme in peerHashes.Count > 0 ? SignatureSchemes.Preferred(kind, local.PreferPss) : [])
        {
            if (peerHashes.Contains(scheme.HashNumber()))
            {
                return new SignatureChoice(AuthMethod.DigitalSignature, scheme);
            }
        }

        return kind switch
        {
            SignatureKeyKind.Rsa => new SignatureChoice(AuthMethod.RsaDigitalSignature, SignatureScheme.RsaPkcs1Sha1),
            SignatureKeyKind.EcdsaP256 => new SignatureChoice(AuthMethod.EcdsaSha256P256, SignatureScheme.EcdsaSha256),
            SignatureKeyKind.EcdsaP384 => new SignatureChoice(AuthMethod.EcdsaSha384P384, SignatureScheme.EcdsaSha384),
            SignatureKeyKind.EcdsaP521 => new SignatureChoice(AuthMethod.EcdsaSha512P521, SignatureScheme.EcdsaSha512),
            _ => null,
        };
    }

    public static byte[] Sign(SigningKey key, SignatureChoice choice, ReadOnlySpan<byte> octets) => choice.Method == AuthMethod.DigitalSignature
        ? DigitalSignatureAuth.Encode(choice.Scheme, key.Sign(choice.Scheme, octets))
        // RFC 4754 §7: the classic ECDSA methods carry r and s as fixed-length octet strings, not DER.
        : key.Sign(choice.Scheme, octets, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Null when <paramref name="auth"/> is a valid signature of <paramref name="octets"/> by
    /// <paramref name="key"/>, else why not.</summary>
    public static string? Verify(VerifyingKey key, AuthPayload auth, ReadOnlySpan<byte> octets)
    {
        ReadOnlySpan<byte> data = auth.Data.Span;
        if (auth.Method == AuthMethod.DigitalSignature)
        {
            if (!DigitalSignatureAuth.TryParse(data, out SignatureScheme scheme, out ReadOnlySpan<byte> signature))
            {
                return "the RFC 7427 AUTH names a signature algorithm we do not accept, or is malformed";
            }

            return !scheme.Fits(key.Kind) ? $"a {scheme} signature does not fit the certificate's {key.Kind} key"
                : key.Verify(scheme, octets, signature) ? null : $"the {scheme} signature does not verify";
        }

        // RFC 4754 §3: each ECDSA method fixes its curve and hash.
        (SignatureScheme Scheme, SignatureKeyKind Kind) expected = auth.Method switch
        {
            AuthMethod.RsaDigitalSignature => (SignatureScheme.RsaPkcs1Sha1, SignatureKeyKind.Rsa),
            AuthMethod.EcdsaSha256P256 => (SignatureScheme.EcdsaSha256, SignatureKeyKind.EcdsaP256),
            AuthMethod.EcdsaSha384P384 => (SignatureScheme.EcdsaSha384, SignatureKeyKind.EcdsaP384),
            _ => (SignatureScheme.EcdsaSha512, SignatureKeyKind.EcdsaP521),
        };
        if (expected.Kind != key.Kind)
        {
            return $"AUTH method {auth.Method} does not fit the certificate's {key.Kind} key";
        }

        return key.Verify(expected.Scheme, octets, data, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) ? null
            : $"the {auth.Method} signature does not verify";
    }
}
