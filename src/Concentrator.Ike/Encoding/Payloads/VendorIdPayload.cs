namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Vendor ID payload (RFC 7296 §3.12).</summary>
public sealed class VendorIdPayload : Payload
{
    public VendorIdPayload(ReadOnlyMemory<byte> data) => Data = data;

    public override PayloadType Type => PayloadType.VendorId;

    public ReadOnlyMemory<byte> Data { get; set; }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                        Vendor ID (VID)                        ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static VendorIdPayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        ReadOnlyMemory<byte> data = reader.ReadRemaining();
        reader.ReadEnd();
        return new VendorIdPayload(data);
    }

    public override void WriteBody(ref IkeWriter writer) => writer.WriteBytes(Data.Span);
}
