using System.Buffers.Binary;

namespace Concentrator.Server.Radius;

/// <summary>
/// Reads a packet (RFC 2865 §3) without throwing: the header, then attributes one by one, each checked against the
/// packet's Length.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Code      |  Identifier   |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Authenticator                         |
/// |                          (16 octets)                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Attributes ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public ref struct RadiusReader
{
    private readonly ReadOnlySpan<byte> _packet;
    private int _offset;

    private RadiusReader(ReadOnlySpan<byte> packet)
    {
        _packet = packet;
        _offset = RadiusConstants.HeaderLength;
    }

    /// <summary>The packet within its Length (the datagram may be longer).</summary>
    public readonly ReadOnlySpan<byte> Packet => _packet;

    public readonly byte Code => _packet[0];

    public readonly byte Identifier => _packet[1];

    public readonly ReadOnlySpan<byte> Authenticator => _packet.Slice(4, RadiusConstants.AuthenticatorLength);

    /// <summary>Checks the header; the reader then covers exactly Length octets.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> datagram, out RadiusReader reader, out RadiusRefusal refusal)
    {
        reader = default;
        if (datagram.Length < RadiusConstants.HeaderLength)
        {
            refusal = RadiusRefusal.BadLength;
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        // RFC 2865 §3: "If the packet is shorter than the Length field indicates, it MUST be silently discarded. The
        // minimum length is 20 and maximum length is 4096." Octets beyond Length are padding and ignored.
        if (length < RadiusConstants.HeaderLength || length > RadiusConstants.MaxPacketLength || length > datagram.Length)
        {
            refusal = RadiusRefusal.BadLength;
            return false;
        }

        reader = new RadiusReader(datagram[..length]);
        refusal = RadiusRefusal.None;
        return true;
    }

    /// <summary>The next attribute: its type, its value and the value's offset in the packet. False at the end or on
    /// a broken attribute (<paramref name="refusal"/> says which).</summary>
    public bool TryRead(out byte type, out ReadOnlySpan<byte> value, out int valueOffset, out RadiusRefusal refusal)
    {
        type = 0;
        value = default;
        valueOffset = 0;
        refusal = RadiusRefusal.None;
        var left = _packet.Length - _offset;
        if (left == 0)
        {
            return false;
        }

        // RFC 2865 §5: Length "indicates the length of this Attribute including the Type, Length and Value fields";
        // one shorter than 2 or one that runs past the packet makes the packet malformed.
        if (left < 2 || _packet[_offset + 1] < 2 || _packet[_offset + 1] > left)
        {
            refusal = RadiusRefusal.AttributeOverrun;
            return false;
        }

        type = _packet[_offset];
        int length = _packet[_offset + 1];
        valueOffset = _offset + 2;
        value = _packet.Slice(valueOffset, length - 2);
        _offset += length;
        return true;
    }
}
