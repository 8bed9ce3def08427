using System.Buffers.Binary;

namespace Concentrator.Ike.Auth.Eap.Tls;

/// <summary>The EAP-TLS flags octet (RFC 5216 §3.1).</summary>
[Flags]
public enum EapTlsFlags : byte
{
    None = 0,

    /// <summary>"Start": the server's first request, no data.</summary>
    Start = 0x20,

    /// <summary>"More fragments": another fragment of this TLS message follows.</summary>
    More = 0x40,

    /// <summary>"Length included": the TLS Message Length field is present.</summary>
    Length = 0x80,
}

/// <summary>
/// The Type-Data of one EAP-TLS Request or Response (RFC 5216 §3.1/§3.2): Flags, the TLS Message Length when L is
/// set, and a fragment of TLS records. The parser never throws: a frame that does not parse is refused with a reason.
/// </summary>
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Code      |   Identifier  |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Flags     |      TLS Message Length
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     TLS Message Length        |       TLS Data...
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public readonly record struct EapTlsFrame(EapTlsFlags Flags, uint? MessageLength, ReadOnlyMemory<byte> Data)
{
    /// <summary>RFC 5216 §3.1: the flags octet; the low five bits are reserved.</summary>
    private const byte KnownFlags = (byte)(EapTlsFlags.Start | EapTlsFlags.More | EapTlsFlags.Length);

    public bool IsAck => Flags == EapTlsFlags.None && Data.IsEmpty;

    public static bool TryParse(ReadOnlyMemory<byte> typeData, out EapTlsFrame frame, out string? problem)
    {
        frame = default;
        ReadOnlySpan<byte> span = typeData.Span;
        if (span.IsEmpty)
        {
            problem = "EAP-TLS without its flags octet";
            return false;
        }

        // RFC 5216 §3.1: reserved bits are set to zero and ignored on receipt.
        var flags = (EapTlsFlags)(span[0] & KnownFlags);
        if (!flags.HasFlag(EapTlsFlags.Length))
        {
            frame = new EapTlsFrame(flags, null, typeData[1..]);
            problem = null;
            return true;
        }

        if (span.Length < 5)
        {
            problem = $"EAP-TLS with the L flag truncated to {span.Length} octets (the TLS Message Length needs 4)";
            return false;
        }

        frame = new EapTlsFrame(flags, BinaryPrimitives.ReadUInt32BigEndian(span[1..]), typeData[5..]);
        problem = null;
        return true;
    }

    /// <summary>The Type-Data as it goes on the wire.</summary>
    public byte[] Encode()
    {
        bool length = MessageLength is not null;
        var data = new byte[1 + (length ? 4 : 0) + Data.Length];
        data[0] = (byte)(Flags | (length ? EapTlsFlags.Length : EapTlsFlags.None));
        if (length)
        {
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(1), MessageLength!.Value);
        }

        Data.Span.CopyTo(data.AsSpan(length ? 5 : 1));
        return data;
    }

    /// <summary>RFC 5216 §2.1.5: a fragment is acknowledged by a message of the same type with no data.</summary>
    public static EapTlsFrame Ack { get; } = new(EapTlsFlags.None, null, ReadOnlyMemory<byte>.Empty);
}
