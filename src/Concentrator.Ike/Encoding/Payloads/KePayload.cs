namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Key Exchange payload (RFC 7296 §3.4).</summary>
public sealed class KePayload : Payload
{
    public KePayload(ushort group, ReadOnlyMemory<byte> data)
    {
        Group = group;
        Data = data;
    }

    public override PayloadType Type => PayloadType.KeyExchange;

    /// <summary>The Diffie-Hellman (key exchange method) group number, IANA Transform Type 4.</summary>
    public ushort Group { get; set; }

    public ReadOnlyMemory<byte> Data { get; set; }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |   Diffie-Hellman Group Num    |           RESERVED            |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                       Key Exchange Data                       ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static KePayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        ushort group = reader.ReadUInt16();
        reader.Skip(2); // RESERVED: RFC 7296 §3.4, MUST be ignored on receipt.
        ReadOnlyMemory<byte> data = reader.ReadRemaining();
        reader.ReadEnd();
        return new KePayload(group, data);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteUInt16(Group);
        writer.WriteZeros(2);
        writer.WriteBytes(Data.Span);
    }
}
