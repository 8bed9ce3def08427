namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Notify payload (RFC 7296 §3.10).</summary>
public sealed class NotifyPayload : Payload
{
    public NotifyPayload(NotifyType notifyType, ReadOnlyMemory<byte> data = default)
    {
        NotifyType = notifyType;
        Data = data;
    }

    public NotifyPayload(NotifyType notifyType, ProtocolId protocol, ReadOnlyMemory<byte> spi, ReadOnlyMemory<byte> data = default)
    {
        NotifyType = notifyType;
        Protocol = protocol;
        Spi = spi;
        Data = data;
    }

    public override PayloadType Type => PayloadType.Notify;

    /// <summary>RFC 7296 §3.10: if the SPI field is empty this MUST be sent as zero and MUST be ignored on
    /// receipt; the value is kept as received.</summary>
    public ProtocolId Protocol { get; set; }

    public ReadOnlyMemory<byte> Spi { get; set; }

    public NotifyType NotifyType { get; set; }

    public ReadOnlyMemory<byte> Data { get; set; }

    public bool IsError => NotifyType.IsError();

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |  Protocol ID  |   SPI Size    |      Notify Message Type      |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                Security Parameter Index (SPI)                 ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                       Notification Data                       ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static NotifyPayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var protocol = (ProtocolId)reader.ReadByte();
        byte spiSize = reader.ReadByte();
        var type = (NotifyType)reader.ReadUInt16();
        ReadOnlyMemory<byte> spi = reader.ReadMemory(spiSize);
        ReadOnlyMemory<byte> data = reader.ReadRemaining();
        reader.ReadEnd();
        return new NotifyPayload(type, protocol, spi, data);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte((byte)Protocol);
        writer.WriteByte(checked((byte)Spi.Length));
        writer.WriteUInt16((ushort)NotifyType);
        writer.WriteBytes(Spi.Span);
        writer.WriteBytes(Data.Span);
    }

    public override string ToString() => $"N({NotifyType})";
}
