namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Certificate payload (RFC 7296 §3.6).</summary>
public sealed class CertPayload : Payload
{
    public CertPayload(CertificateEncoding encoding, ReadOnlyMemory<byte> data)
    {
        Encoding = encoding;
        Data = data;
    }

    public override PayloadType Type => PayloadType.Certificate;

    public CertificateEncoding Encoding { get; set; }

    /// <summary>For X.509 Certificate - Signature (4) the DER certificate.</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Cert Encoding |                                               |
    // +-+-+-+-+-+-+-+-+                                               |
    // ~                       Certificate Data                        ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static CertPayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var encoding = (CertificateEncoding)reader.ReadByte();
        ReadOnlyMemory<byte> data = reader.ReadRemaining();
        reader.ReadEnd();
        return new CertPayload(encoding, data);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte((byte)Encoding);
        writer.WriteBytes(Data.Span);
    }
}
