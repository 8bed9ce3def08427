using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Concentrator.Server.Radius;

/// <summary>
/// One attribute (RFC 2865 §5) as its type and value octets; the writer adds Type and Length.
/// <code>
///  0                   1                   2
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |    Length     |  Value ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly record struct RadiusAttribute(RadiusAttributeType Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>A "text" or "string" attribute (RFC 2865 §5: UTF-8).</summary>
    public static RadiusAttribute Text(RadiusAttributeType type, string value) => new(type, Encoding.UTF8.GetBytes(value));

    /// <summary>An "integer" attribute: 32 bits, network order.</summary>
    public static RadiusAttribute Integer(RadiusAttributeType type, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new(type, bytes);
    }

    /// <summary>An "address" attribute: an IPv4 address, 4 octets.</summary>
    public static RadiusAttribute Address(RadiusAttributeType type, IPAddress value)
    {
        if (value.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{type} holds an IPv4 address, got {value}", nameof(value));
        }

        return new(type, value.GetAddressBytes());
    }

    /// <summary>An "ipv6addr" attribute (RFC 6911 §3.1, RFC 8044 §3.9): an IPv6 address, 16 octets.</summary>
    public static RadiusAttribute Ipv6Address(RadiusAttributeType type, IPAddress value)
    {
        if (value.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"{type} holds an IPv6 address, got {value}", nameof(value));
        }

        return new(type, value.GetAddressBytes());
    }

    /// <summary>An "ipv6prefix" attribute (RFC 3162 §2.3): Reserved (0), Prefix-Length, then only the octets the length
    /// needs, as FreeRADIUS sends it (RFC 8044 §3.11: "The Prefix field is up to 16 octets in length. Bits outside of
    /// the Prefix-Length, if included, MUST be zero": IPNetwork holds none).</summary>
    public static RadiusAttribute Ipv6Prefix(RadiusAttributeType type, IPNetwork value)
    {
        if (value.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"{type} holds an IPv6 prefix, got {value}", nameof(value));
        }

        int octets = (value.PrefixLength + 7) / 8;
        var bytes = new byte[2 + octets];
        bytes[1] = (byte)value.PrefixLength;
        value.BaseAddress.GetAddressBytes().AsSpan(0, octets).CopyTo(bytes.AsSpan(2));
        return new(type, bytes);
    }

    /// <summary>A Vendor-Specific attribute (RFC 2865 §5.26) holding one sub-attribute in the recommended format:
    /// Vendor-Id (4), Vendor type (1), Vendor length (1, covering type, length and data), data.</summary>
    public static RadiusAttribute Vendor(uint vendorId, byte vendorType, ReadOnlySpan<byte> data)
    {
        if (data.Length > RadiusConstants.MaxAttributeValue - 6)
        {
            throw new ArgumentException($"vendor attribute data of {data.Length} octets exceeds {RadiusConstants.MaxAttributeValue - 6}", nameof(data));
        }

        var value = new byte[6 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(value, vendorId);
        value[4] = vendorType;
        value[5] = (byte)(2 + data.Length);
        data.CopyTo(value.AsSpan(6));
        return new(RadiusAttributeType.VendorSpecific, value);
    }

    public string AsText() => Encoding.UTF8.GetString(Value.Span);

    /// <summary>The value as an "integer" attribute, or null when it is not 4 octets.</summary>
    public uint? AsInteger() => Value.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(Value.Span) : null;

    /// <summary>The value as an "address" attribute, or null when it is not 4 octets.</summary>
    public IPAddress? AsAddress() => Value.Length == 4 ? new IPAddress(Value.Span) : null;

    /// <summary>The value as an "ipv6addr" attribute (RFC 6911 §3.1), or null when it is not 16 octets.</summary>
    public IPAddress? AsIpv6Address() => Value.Length == 16 ? new IPAddress(Value.Span) : null;

    /// <summary>The value as an "ipv6prefix" attribute (RFC 3162 §2.3: Reserved, Prefix-Length, Prefix), or null when
    /// it is malformed: shorter than 2 octets, a Prefix-Length over 128, more than 16 Prefix octets, fewer than the
    /// length needs, or bits set past the length (RFC 8044 §3.11: they "MUST be set to zero" — refused, not guessed).</summary>
    public IPNetwork? AsIpv6Prefix()
    {
        ReadOnlySpan<byte> v = Value.Span;
        if (v.Length < 2 || v[1] > 128 || v.Length - 2 > 16 || (v[1] + 7) / 8 > v.Length - 2)
        {
            return null;
        }

        Span<byte> address = stackalloc byte[16];
        v[2..].CopyTo(address);
        return HasOnlyPrefixBits(address, v[1]) ? new IPNetwork(new IPAddress(address), v[1]) : null;
    }

    private static bool HasOnlyPrefixBits(ReadOnlySpan<byte> address, int length)
    {
        for (int bit = length; bit < 128; bit++)
        {
            if ((address[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a Vendor-Specific attribute holding one sub-attribute in the recommended format; false when it
    /// is not one or the inner length does not fit exactly.</summary>
    public bool TryGetVendor(out uint vendorId, out byte vendorType, out ReadOnlyMemory<byte> data)
    {
        vendorId = 0;
        vendorType = 0;
        data = default;
        var v = Value.Span;
        if (Type != RadiusAttributeType.VendorSpecific || v.Length < 6 || v[5] < 2 || v[5] != v.Length - 4)
        {
            return false;
        }

        vendorId = BinaryPrimitives.ReadUInt32BigEndian(v);
        vendorType = v[4];
        data = Value[6..];
        return true;
    }
}
