using System.Buffers.Binary;

namespace Concentrator.Server.Radius;

/// <summary>Writes one packet into a buffer of <see cref="RadiusConstants.MaxPacketLength"/>: header first, then
/// attributes in order; <see cref="Finish"/> patches the Length field.</summary>
public ref struct RadiusWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    public RadiusWriter(Span<byte> buffer, RadiusCode code, byte identifier, ReadOnlySpan<byte> authenticator)
    {
        if (buffer.Length < RadiusConstants.HeaderLength || authenticator.Length != RadiusConstants.AuthenticatorLength)
        {
            throw new ArgumentException("a RADIUS header needs 20 octets and a 16-octet authenticator");
        }

        _buffer = buffer;
        buffer[0] = (byte)code;
        buffer[1] = identifier;
        authenticator.CopyTo(buffer[4..]);
        _length = RadiusConstants.HeaderLength;
    }

    public readonly int Length => _length;

    /// <summary>Appends one attribute and returns the offset of its value.</summary>
    public int Write(RadiusAttributeType type, ReadOnlySpan<byte> value)
    {
        // RFC 2865 §5: Length is one octet covering Type, Length and Value.
        if (value.Length > RadiusConstants.MaxAttributeValue)
        {
            throw new ArgumentException($"{type}: a value of {value.Length} octets does not fit one attribute (at most {RadiusConstants.MaxAttributeValue})", nameof(value));
        }

        var total = 2 + value.Length;
        if (_length + total > Math.Min(_buffer.Length, RadiusConstants.MaxPacketLength))
        {
            throw new InvalidOperationException($"the packet would exceed {RadiusConstants.MaxPacketLength} octets (RFC 2865 §3)");
        }

        _buffer[_length] = (byte)type;
        _buffer[_length + 1] = (byte)total;
        value.CopyTo(_buffer[(_length + 2)..]);
        _length += total;
        return _length - value.Length;
    }

    public void Write(RadiusAttribute attribute) => Write(attribute.Type, attribute.Value.Span);

    /// <summary>Writes a value longer than one attribute holds as consecutive attributes of the same type, as
    /// EAP-Message is (RFC 3579 §3.1: "If multiple EAP-Message attributes are contained within an Access-Request or
    /// Access-Challenge packet, they MUST be in order and they MUST be consecutive attributes in the packet").</summary>
    public void WriteFragmented(RadiusAttributeType type, ReadOnlySpan<byte> value)
    {
        do
        {
            var chunk = Math.Min(value.Length, RadiusConstants.MaxAttributeValue);
            Write(type, value[..chunk]);
            value = value[chunk..];
        }
        while (!value.IsEmpty);
    }

    /// <summary>Patches the Length field and returns the packet.</summary>
    public readonly Span<byte> Finish()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)_length);
        return _buffer[.._length];
    }
}
