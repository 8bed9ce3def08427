using System.Buffers.Binary;

namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Delete payload (RFC 7296 §3.11). SPIs are kept as one concatenated block of
/// <see cref="SpiSize"/>-octet values.</summary>
public sealed class DeletePayload : Payload
{
    public DeletePayload(ProtocolId protocol, byte spiSize, ushort spiCount, ReadOnlyMemory<byte> spis)
    {
        Protocol = protocol;
        SpiSize = spiSize;
        SpiCount = spiCount;
        Spis = spis;
    }

    public override PayloadType Type => PayloadType.Delete;

    public ProtocolId Protocol { get; }

    public byte SpiSize { get; }

    public ushort SpiCount { get; }

    public ReadOnlyMemory<byte> Spis { get; }

    /// <summary>Deletes the IKE SA the message belongs to (RFC 7296 §3.11: SPI size zero, no SPIs).</summary>
    public static DeletePayload ForIkeSa() => new(ProtocolId.Ike, 0, 0, ReadOnlyMemory<byte>.Empty);

    /// <summary>Deletes CHILD SAs by their inbound 4-octet SPIs.</summary>
    public static DeletePayload ForChildSas(ProtocolId protocol, params uint[] spis)
    {
        var block = new byte[spis.Length * 4];
        for (int i = 0; i < spis.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(i * 4), spis[i]);
        }

        return new DeletePayload(protocol, 4, checked((ushort)spis.Length), block);
    }

    /// <summary>The <paramref name="index"/>th 4-octet SPI (AH/ESP).</summary>
    public uint GetSpi32(int index) => BinaryPrimitives.ReadUInt32BigEndian(Spis.Span.Slice(index * 4, 4));

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Protocol ID   |   SPI Size    |          Num of SPIs          |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~               Security Parameter Index(es) (SPI)              ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static DeletePayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var protocol = (ProtocolId)reader.ReadByte();
        byte spiSize = reader.ReadByte();
        ushort count = reader.ReadUInt16();

        // RFC 7296 §3.11: SPI Size MUST be zero for IKE (the SPI is in the header) and four for AH and ESP.
        if ((protocol == ProtocolId.Ike && spiSize != 0) || (protocol is ProtocolId.Ah or ProtocolId.Esp && spiSize != 4))
        {
            ThrowHelper.ThrowInvalidSyntax($"Delete for {protocol} with SPI size {spiSize}");
        }

        ReadOnlyMemory<byte> spis = reader.ReadMemory(spiSize * count);
        reader.ReadEnd();
        return new DeletePayload(protocol, spiSize, count, spis);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte((byte)Protocol);
        writer.WriteByte(SpiSize);
        writer.WriteUInt16(SpiCount);
        writer.WriteBytes(Spis.Span);
    }
}
