using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>Signature schemes offered for RFC 7427 "Digital Signature" (Auth Method 14) AUTH payloads.</summary>
public enum SignatureScheme
{
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
}

/// <summary>
/// AUTH data of RFC 7427 §3: <c>ASN.1 Length (1 octet) | AlgorithmIdentifier (DER) | Signature Value</c>, over
/// the signed octets of RFC 7296 §2.15. RSA and ECDSA run in the BCL (OpenSSL); ECDSA signatures are the
/// DER Ecdsa-Sig-Value that the ecdsa-with-SHA* identifiers imply.
/// </summary>
public static class DigitalSignatureAuth
{
    private const string RsaSha256 = "1.2.840.113549.1.1.11";
    private const string RsaSha384 = "1.2.840.113549.1.1.12";
    private const string RsaSha512 = "1.2.840.113549.1.1.13";
    private const string EcdsaSha256 = "1.2.840.10045.4.3.2";
    private const string EcdsaSha384 = "1.2.840.10045.4.3.3";
    private const string EcdsaSha512 = "1.2.840.10045.4.3.4";

    /// <summary>The DER AlgorithmIdentifier of a scheme. RSA PKCS#1 v1.5 carries explicit NULL parameters,
    /// ECDSA none (RFC 7427 Appendix A, RFC 4055 / RFC 5758).</summary>
    public static byte[] AlgorithmIdentifier(SignatureScheme scheme)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oid(scheme));
            if (IsRsa(scheme))
                writer.WriteNull();
        }
        return writer.Encode();
    }

    /// <summary>Signs <paramref name="signedOctets"/> with an RSA key and returns the whole AUTH data.</summary>
    public static byte[] Sign(RSA key, SignatureScheme scheme, ReadOnlySpan<byte> signedOctets)
    {
        if (!IsRsa(scheme))
            throw new ArgumentException($"{scheme} is not an RSA scheme", nameof(scheme));
        return Envelope(scheme, key.SignData(signedOctets.ToArray(), Hash(scheme), RSASignaturePadding.Pkcs1));
    }

    /// <summary>Signs <paramref name="signedOctets"/> with an EC key and returns the whole AUTH data.</summary>
    public static byte[] Sign(ECDsa key, SignatureScheme scheme, ReadOnlySpan<byte> signedOctets)
    {
        if (IsRsa(scheme))
            throw new ArgumentException($"{scheme} is not an ECDSA scheme", nameof(scheme));
        return Envelope(scheme, key.SignData(signedOctets, Hash(scheme), DSASignatureFormat.Rfc3279DerSequence));
    }

    /// <summary>Splits AUTH data into the scheme it names and the signature value. Returns false for a
    /// malformed envelope or an AlgorithmIdentifier this implementation does not accept.</summary>
    public static bool TryParse(ReadOnlySpan<byte> authData, out SignatureScheme scheme, out ReadOnlySpan<byte> signature)
    {
        scheme = default;
        signature = default;
        if (authData.Length < 1 || authData[0] == 0 || authData.Length < 1 + authData[0])
            return false;
        ReadOnlySpan<byte> identifier = authData.Slice(1, authData[0]);
        foreach (SignatureScheme candidate in Enum.GetValues<SignatureScheme>())
        {
            // Exact DER comparison: RFC 7427 §3 lets a receiver compare the identifier as opaque octets.
            if (identifier.SequenceEqual(AlgorithmIdentifier(candidate)))
            {
                scheme = candidate;
                signature = authData[(1 + authData[0])..];
                return signature.Length > 0;
            }
        }
        return false;
    }

    /// <summary>Verifies RFC 7427 AUTH data against the peer's public key (RSA or ECDsa).</summary>
    public static bool Verify(AsymmetricAlgorithm publicKey, ReadOnlySpan<byte> authData, ReadOnlySpan<byte> signedOctets)
    {
        if (!TryParse(authData, out SignatureScheme scheme, out ReadOnlySpan<byte> signature))
            return false;
        return publicKey switch
        {
            RSA rsa when IsRsa(scheme) => rsa.VerifyData(signedOctets, signature, Hash(scheme), RSASignaturePadding.Pkcs1),
            ECDsa ecdsa when !IsRsa(scheme) =>
                ecdsa.VerifyData(signedOctets, signature, Hash(scheme), DSASignatureFormat.Rfc3279DerSequence),
            _ => false,
        };
    }

    private static byte[] Envelope(SignatureScheme scheme, byte[] signature)
    {
        byte[] identifier = AlgorithmIdentifier(scheme);
        return [(byte)identifier.Length, .. identifier, .. signature];
    }

    private static bool IsRsa(SignatureScheme scheme) => scheme <= SignatureScheme.RsaPkcs1Sha512;

    private static string Oid(SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.RsaPkcs1Sha256 => RsaSha256,
        SignatureScheme.RsaPkcs1Sha384 => RsaSha384,
        SignatureScheme.RsaPkcs1Sha512 => RsaSha512,
        SignatureScheme.EcdsaSha256 => EcdsaSha256,
        SignatureScheme.EcdsaSha384 => EcdsaSha384,
        _ => EcdsaSha512,
    };

    private static HashAlgorithmName Hash(SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.RsaPkcs1Sha256 or SignatureScheme.EcdsaSha256 => HashAlgorithmName.SHA256,
        SignatureScheme.RsaPkcs1Sha384 or SignatureScheme.EcdsaSha384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}
