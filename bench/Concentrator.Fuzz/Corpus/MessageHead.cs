using System.Buffers.Binary;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;

namespace Concentrator.Fuzz.Corpus;

/// <summary>The IKE header fields the harness chooses when it seals a message itself (RFC 7296 §3.1).</summary>
internal readonly record struct MessageHead(ulong SpiI, ulong SpiR, ExchangeType Exchange, IkeHeaderFlags Flags, uint MessageId)
{
    public const int Length = 28;

    public void Write(Span<byte> destination, byte nextPayload, int totalLength)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, SpiI);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], SpiR);
        destination[16] = nextPayload;
        destination[17] = 0x20;
        destination[18] = (byte)Exchange;
        destination[19] = (byte)Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], MessageId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], (uint)totalLength);
    }
}
