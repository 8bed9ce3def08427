namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Certificate Request payload (RFC 7296 §3.7).</summary>
public sealed class CertReqPayload : Payload
{
    /// <summary>RFC 7296 §3.7: for X.509 the Certification Authority field is a concatenation of SHA-1 hashes
    /// of the trusted CAs' public keys, 20 octets each.</summary>
    public const int CaHashLength = 20;

    public CertReqPayload(CertificateEncoding encoding, ReadOnlyMemory<byte> certificationAuthority)
    {
        Encoding = encoding;
        CertificationAuthority = certificationAuthority;
    }

    public override PayloadType Type => PayloadType.CertificateRequest;

    public CertificateEncoding Encoding { get; set; }

    public ReadOnlyMemory<byte> CertificationAuthority { get; set; }

    /// <summary>The number of whole CA hashes for X.509 encodings.</summary>
    public int CaHashCount => CertificationAuthority.Length / CaHashLength;

    /// <summary>The <paramref name="index"/>th 20-octet CA key hash.</summary>
    public ReadOnlyMemory<byte> CaHash(int index) => CertificationAuthority.Slice(index * CaHashLength, CaHashLength);

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Cert Encoding |                                               |
    // +-+-+-+-+-+-+-+-+                                               |
    // ~                    Certification Authority                    ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static CertReqPayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var encoding = (CertificateEncoding)reader.ReadByte();
        ReadOnlyMemory<byte> authorities = reader.ReadRemaining();
        reader.ReadEnd();
        return new CertReqPayload(encoding, authorities);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte((byte)Encoding);
        writer.WriteBytes(CertificationAuthority.Span);
    }
}
