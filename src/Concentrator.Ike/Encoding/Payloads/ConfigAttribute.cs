using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>
/// One configuration attribute (RFC 7296 §3.15.1). An empty value asks for the attribute (CFG_REQUEST) or
/// acknowledges it (CFG_ACK). Value layouts, checked on receipt for the types RFC 7296 defines:
/// <list type="bullet">
/// <item>INTERNAL_IP4_ADDRESS, _NETMASK, _DNS, _NBNS, _DHCP: 0 or 4 octets (an IPv4 address)</item>
/// <item>INTERNAL_IP4_SUBNET: 0 or 8 octets (address, netmask)</item>
/// <item>INTERNAL_IP6_ADDRESS, INTERNAL_IP6_SUBNET: 0 or 17 octets (address, prefix length)</item>
/// <item>INTERNAL_IP6_DNS, _DHCP: 0 or 16 octets</item>
/// <item>SUPPORTED_ATTRIBUTES: a multiple of 2 octets (attribute types)</item>
/// <item>APPLICATION_VERSION: 0 or more octets of printable ASCII</item>
/// </list>
/// </summary>
public readonly struct ConfigAttribute
{
    public ConfigAttribute(ConfigAttributeType type, ReadOnlyMemory<byte> value = default)
    {
        Type = type;
        Value = value;
    }

    public ConfigAttributeType Type { get; }

    public ReadOnlyMemory<byte> Value { get; }

    public bool IsEmpty => Value.IsEmpty;

    /// <summary>An attribute carrying one address (INTERNAL_IP4_ADDRESS, _DNS, _NETMASK, INTERNAL_IP6_DNS …).</summary>
    public static ConfigAttribute Address(ConfigAttributeType type, IPAddress address) => new(type, address.GetAddressBytes());

    /// <summary>INTERNAL_IP4_SUBNET: address and netmask.</summary>
    public static ConfigAttribute Ip4Subnet(IPAddress address, IPAddress netmask)
    {
        var value = new byte[8];
        address.TryWriteBytes(value, out _);
        netmask.TryWriteBytes(value.AsSpan(4), out _);
        return new ConfigAttribute(ConfigAttributeType.InternalIp4Subnet, value);
    }

    /// <summary>INTERNAL_IP6_ADDRESS or INTERNAL_IP6_SUBNET: address and prefix length.</summary>
    public static ConfigAttribute Ip6Prefix(ConfigAttributeType type, IPAddress address, byte prefixLength)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("IPv6 address expected", nameof(address));
        }

        var value = new byte[17];
        address.TryWriteBytes(value, out _);
        value[16] = prefixLength;
        return new ConfigAttribute(type, value);
    }

    /// <summary>The address in a 4- or 16-octet value, or at the head of a 8/17-octet subnet value.</summary>
    public bool TryGetAddress(out IPAddress? address)
    {
        ReadOnlySpan<byte> value = Value.Span;
        address = value.Length switch
        {
            4 or 8 => new IPAddress(value.Slice(0, 4)),
            16 or 17 => new IPAddress(value.Slice(0, 16)),
            _ => null,
        };
        return address is not null;
    }

    /// <summary>The netmask of INTERNAL_IP4_SUBNET or prefix length of INTERNAL_IP6_ADDRESS/SUBNET, as a prefix.</summary>
    public int PrefixLength => Value.Length switch
    {
        17 => Value.Span[16],
        8 => System.Numerics.BitOperations.PopCount(BinaryPrimitives.ReadUInt32BigEndian(Value.Span.Slice(4))),
        _ => -1,
    };

    private static bool LengthIsValid(ConfigAttributeType type, int length) => type switch
    {
        ConfigAttributeType.InternalIp4Address or ConfigAttributeType.InternalIp4Netmask
            or ConfigAttributeType.InternalIp4Dns or ConfigAttributeType.InternalIp4Nbns
            or ConfigAttributeType.InternalIp4Dhcp => length is 0 or 4,
        ConfigAttributeType.InternalIp4Subnet => length is 0 or 8,
        ConfigAttributeType.InternalIp6Address or ConfigAttributeType.InternalIp6Subnet => length is 0 or 17,
        ConfigAttributeType.InternalIp6Dns or ConfigAttributeType.InternalIp6Dhcp => length is 0 or 16,
        ConfigAttributeType.SupportedAttributes => length % 2 == 0,
        _ => true,
    };

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |R|         Attribute Type      |            Length             |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                             Value                             ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal static ConfigAttribute Parse(ref IkeReader reader)
    {
        // R bit: RFC 7296 §3.15.1, MUST be ignored on receipt.
        var type = (ConfigAttributeType)(reader.ReadUInt16() & 0x7FFF);
        ushort length = reader.ReadUInt16();
        ReadOnlyMemory<byte> value = reader.ReadMemory(length);
        if (!LengthIsValid(type, length))
        {
            ThrowHelper.ThrowInvalidSyntax($"configuration attribute {type} of {length} octets");
        }

        return new ConfigAttribute(type, value);
    }

    internal void Write(ref IkeWriter writer)
    {
        writer.WriteUInt16((ushort)((ushort)Type & 0x7FFF));
        writer.WriteUInt16(checked((ushort)Value.Length));
        writer.WriteBytes(Value.Span);
    }

    public override string ToString() =>
        TryGetAddress(out IPAddress? address) ? $"{Type}={address}" : $"{Type}({Value.Length})";
}
