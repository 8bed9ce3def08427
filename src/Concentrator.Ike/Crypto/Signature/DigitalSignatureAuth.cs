using System.Formats.Asn1;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>
/// AUTH data of RFC 7427 §3 (Auth Method 14): <c>ASN.1 Length (1 octet) | AlgorithmIdentifier (DER) | Signature
/// Value</c>, over the signed octets of RFC 7296 §2.15. ECDSA signature values are the DER Ecdsa-Sig-Value that the
/// ecdsa-with-SHA* identifiers imply (RFC 7427 Appendix A.3); RSASSA-PSS carries its parameters (RFC 4055 §3.1).
/// </summary>
public static class DigitalSignatureAuth
{
    private const string RsaSha1 = "1.2.840.113549.1.1.5";
    private const string RsaSha256 = "1.2.840.113549.1.1.11";
    private const string RsaSha384 = "1.2.840.113549.1.1.12";
    private const string RsaSha512 = "1.2.840.113549.1.1.13";
    private const string RsaPss = "1.2.840.113549.1.1.10";
    private const string Mgf1 = "1.2.840.113549.1.1.8";
    private const string EcdsaSha256 = "1.2.840.10045.4.3.2";
    private const string EcdsaSha384 = "1.2.840.10045.4.3.3";
    private const string EcdsaSha512 = "1.2.840.10045.4.3.4";
    private const string Ed25519 = "1.3.101.112";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private const string Sha384 = "2.16.840.1.101.3.4.2.2";
    private const string Sha512 = "2.16.840.1.101.3.4.2.3";

    /// <summary>The DER AlgorithmIdentifier of a scheme. RSA PKCS#1 v1.5 carries explicit NULL parameters, ECDSA
    /// and Ed25519 none (RFC 7427 Appendix A, RFC 5758, RFC 8410 §3); RSASSA-PSS names its hash, MGF1 with the same
    /// hash and a salt as long as the hash (RFC 4055 §3.1), the hash identifiers without parameters (RFC 5754 §2).</summary>
    public static byte[] AlgorithmIdentifier(SignatureScheme scheme)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oid(scheme));
            if (scheme.IsPss())
            {
                string hash = HashOid(scheme);
                using (writer.PushSequence())
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    {
                        WriteHashIdentifier(writer, hash);
                    }

                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(Mgf1);
                            WriteHashIdentifier(writer, hash);
                        }
                    }

                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2)))
                    {
                        writer.WriteInteger(HashLength(hash));
                    }
                }
            }
            else if (scheme.IsRsa())
            {
                writer.WriteNull();
            }
        }

        return writer.Encode();
    }

    /// <summary>The whole AUTH data for a signature made with <paramref name="scheme"/>.</summary>
    public static byte[] Encode(SignatureScheme scheme, ReadOnlySpan<byte> signature)
    {
        byte[] identifier = AlgorithmIdentifier(scheme);
        return [(byte)identifier.Length, .. identifier, .. signature];
    }

    /// <summary>Splits AUTH data into the scheme it names and the signature value. False for a malformed envelope or
    /// an AlgorithmIdentifier this implementation does not accept (sha1WithRSAEncryption among them: RFC 8247 §3.3
    /// "MUST NOT" for SHA-1 signatures in new implementations of method 14).</summary>
    public static bool TryParse(ReadOnlySpan<byte> authData, out SignatureScheme scheme, out ReadOnlySpan<byte> signature)
    {
        scheme = default;
        signature = default;
        if (authData.Length < 1 || authData[0] == 0 || authData.Length < 1 + authData[0])
        {
            return false;
        }

        if (!TryParseIdentifier(authData.Slice(1, authData[0]), out scheme))
        {
            return false;
        }

        signature = authData[(1 + authData[0])..];
        return signature.Length > 0;
    }

    /// <summary>Reads a DER AlgorithmIdentifier (of an AUTH payload, a certificate or a CRL).</summary>
    public static bool TryParseIdentifier(ReadOnlySpan<byte> der, out SignatureScheme scheme)
    {
        scheme = default;
        try
        {
            var outer = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            AsnReader sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            string oid = sequence.ReadObjectIdentifier();
            if (oid == RsaPss)
            {
                AsnReader parameters = sequence.ReadSequence();
                sequence.ThrowIfNotEmpty();
                return TryParsePss(parameters, out scheme);
            }

            SignatureScheme? found = oid switch
            {
                RsaSha256 => SignatureScheme.RsaPkcs1Sha256,
                RsaSha384 => SignatureScheme.RsaPkcs1Sha384,
                RsaSha512 => SignatureScheme.RsaPkcs1Sha512,
                EcdsaSha256 => SignatureScheme.EcdsaSha256,
                EcdsaSha384 => SignatureScheme.EcdsaSha384,
                EcdsaSha512 => SignatureScheme.EcdsaSha512,
                Ed25519 => SignatureScheme.Ed25519,
                _ => null,
            };
            if (found is not { } known)
            {
                return false;
            }

            // RFC 4055 §5 / RFC 3279: RSA identifiers may carry NULL or nothing; ECDSA and Ed25519 nothing at all.
            if (known.IsRsa() && sequence.HasData)
            {
                sequence.ReadNull();
            }

            sequence.ThrowIfNotEmpty();
            scheme = known;
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>The scheme of a certificate's or CRL's signatureAlgorithm, allowing sha1WithRSAEncryption (old CAs).</summary>
    public static bool TryParseCertificateIdentifier(ReadOnlySpan<byte> der, out SignatureScheme scheme)
    {
        if (TryParseIdentifier(der, out scheme))
        {
            return true;
        }

        try
        {
            var outer = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            AsnReader sequence = outer.ReadSequence();
            scheme = SignatureScheme.RsaPkcs1Sha1;
            return sequence.ReadObjectIdentifier() == RsaSha1;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static bool TryParsePss(AsnReader parameters, out SignatureScheme scheme)
    {
        scheme = default;
        // RFC 4055 §3.1: every field has a SHA-1 default; SHA-1 is not accepted, so all three must be present.
        AsnReader hashField = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        string hash = ReadHashIdentifier(hashField);
        AsnReader mgfField = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
        AsnReader mgf = mgfField.ReadSequence();
        if (mgf.ReadObjectIdentifier() != Mgf1 || ReadHashIdentifier(mgf) != hash)
        {
            return false;
        }

        AsnReader saltField = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        if (!saltField.TryReadInt32(out int salt) || salt != HashLength(hash))
        {
            // The BCL verifies PSS with a salt as long as the hash, as strongSwan signs by default.
            return false;
        }

        if (parameters.HasData)
        {
            // trailerField: only trailerFieldBC (1) exists.
            AsnReader trailer = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3));
            if (!trailer.TryReadInt32(out int value) || value != 1)
            {
                return false;
            }
        }

        SignatureScheme? found = hash switch
        {
            Sha256 => SignatureScheme.RsaPssSha256,
            Sha384 => SignatureScheme.RsaPssSha384,
            Sha512 => SignatureScheme.RsaPssSha512,
            _ => null,
        };
        scheme = found.GetValueOrDefault();
        return found is not null;
    }

    private static string ReadHashIdentifier(AsnReader reader)
    {
        AsnReader id = reader.ReadSequence();
        string oid = id.ReadObjectIdentifier();
        if (id.HasData)
        {
            id.ReadNull();
        }

        id.ThrowIfNotEmpty();
        return oid;
    }

    private static void WriteHashIdentifier(AsnWriter writer, string hashOid)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(hashOid);
        }
    }

    private static int HashLength(string hashOid) => hashOid switch
    {
        Sha256 => 32,
        Sha384 => 48,
        _ => 64,
    };

    private static string HashOid(SignatureScheme scheme) => scheme.HashNumber() switch
    {
        SignatureHash.Sha256 => Sha256,
        SignatureHash.Sha384 => Sha384,
        _ => Sha512,
    };

    private static string Oid(SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.RsaPkcs1Sha1 => RsaSha1,
        SignatureScheme.RsaPkcs1Sha256 => RsaSha256,
        SignatureScheme.RsaPkcs1Sha384 => RsaSha384,
        SignatureScheme.RsaPkcs1Sha512 => RsaSha512,
        SignatureScheme.RsaPssSha256 or SignatureScheme.RsaPssSha384 or SignatureScheme.RsaPssSha512 => RsaPss,
        SignatureScheme.EcdsaSha256 => EcdsaSha256,
        SignatureScheme.EcdsaSha384 => EcdsaSha384,
        SignatureScheme.EcdsaSha512 => EcdsaSha512,
        _ => Ed25519,
    };
}
