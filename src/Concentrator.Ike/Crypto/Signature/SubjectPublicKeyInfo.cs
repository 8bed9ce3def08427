using System.Formats.Asn1;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>Pieces of a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).</summary>
public static class SubjectPublicKeyInfo
{
    /// <summary>The subjectPublicKey BIT STRING's octets: what a private key and a certificate must share.</summary>
    public static byte[] KeyBits(ReadOnlySpan<byte> spki)
    {
        var reader = new AsnReader(spki.ToArray(), AsnEncodingRules.DER);
        AsnReader info = reader.ReadSequence();
        _ = info.ReadEncodedValue();
        return info.ReadBitString(out _);
    }
}
