using System.Net;
using System.Net.Sockets;

namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>One traffic selector (RFC 7296 §3.13.1). Addresses are slices of the received message (no copy);
/// selectors of types other than IPv4/IPv6 ranges keep their octets after the 4-octet header in
/// <see cref="Data"/>.</summary>
public readonly struct TrafficSelector
{
    /// <summary>An address range selector. Both addresses must be of the same family.</summary>
    public TrafficSelector(byte ipProtocol, ushort startPort, ushort endPort, IPAddress startAddress, IPAddress endAddress)
    {
        if (startAddress.AddressFamily != endAddress.AddressFamily)
        {
            throw new ArgumentException("start and end addresses of different families");
        }

        Type = startAddress.AddressFamily == AddressFamily.InterNetworkV6
            ? TrafficSelectorType.Ipv6AddressRange
            : TrafficSelectorType.Ipv4AddressRange;
        IpProtocol = ipProtocol;
        StartPort = startPort;
        EndPort = endPort;
        StartAddress = startAddress.GetAddressBytes();
        EndAddress = endAddress.GetAddressBytes();
    }

    private TrafficSelector(TrafficSelectorType type, byte ipProtocol, ushort startPort, ushort endPort,
        ReadOnlyMemory<byte> start, ReadOnlyMemory<byte> end, ReadOnlyMemory<byte> data)
    {
        Type = type;
        IpProtocol = ipProtocol;
        StartPort = startPort;
        EndPort = endPort;
        StartAddress = start;
        EndAddress = end;
        Data = data;
    }

    /// <summary>Every address and port of one family, any protocol.</summary>
    public static TrafficSelector Any(AddressFamily family) => family == AddressFamily.InterNetworkV6
        ? new TrafficSelector(0, 0, 65535, IPAddress.IPv6Any, IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
        : new TrafficSelector(0, 0, 65535, IPAddress.Any, IPAddress.Broadcast);

    /// <summary>A selector of a type this codec does not interpret, kept for re-serialisation.</summary>
    public static TrafficSelector Other(TrafficSelectorType type, byte secondOctet, ReadOnlyMemory<byte> data) =>
        new(type, secondOctet, 0, 0, default, default, data);

    public TrafficSelectorType Type { get; }

    /// <summary>IP protocol (0 = any).</summary>
    public byte IpProtocol { get; }

    public ushort StartPort { get; }

    public ushort EndPort { get; }

    public ReadOnlyMemory<byte> StartAddress { get; }

    public ReadOnlyMemory<byte> EndAddress { get; }

    /// <summary>For other selector types, the octets after the selector header.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public bool IsAddressRange => Type is TrafficSelectorType.Ipv4AddressRange or TrafficSelectorType.Ipv6AddressRange;

    public IPAddress GetStartAddress() => new(StartAddress.Span);

    public IPAddress GetEndAddress() => new(EndAddress.Span);

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |   TS Type     |IP Protocol ID*|       Selector Length         |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |           Start Port*         |           End Port*           |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                         Starting Address*                     ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                         Ending Address*                       ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal static TrafficSelector Parse(ref IkeReader outer)
    {
        var type = (TrafficSelectorType)outer.ReadByte();
        byte protocol = outer.ReadByte();
        ushort length = outer.ReadUInt16();
        if (length < 4 || length - 4 > outer.Remaining)
        {
            ThrowHelper.ThrowInvalidSyntax($"traffic selector length {length}");
        }

        var reader = outer.ReadSubReader(length - 4);
        int addressLength = type switch
        {
            TrafficSelectorType.Ipv4AddressRange => 4,
            TrafficSelectorType.Ipv6AddressRange => 16,
            _ => 0,
        };
        if (addressLength == 0)
        {
            return Other(type, protocol, reader.ReadRemaining());
        }

        // RFC 7296 §3.13.1: the selector length is 16 for TS_IPV4_ADDR_RANGE and 40 for TS_IPV6_ADDR_RANGE.
        if (length != 8 + (2 * addressLength))
        {
            ThrowHelper.ThrowInvalidSyntax($"{type} selector of length {length}");
        }

        ushort startPort = reader.ReadUInt16();
        ushort endPort = reader.ReadUInt16();
        ReadOnlyMemory<byte> start = reader.ReadMemory(addressLength);
        ReadOnlyMemory<byte> end = reader.ReadMemory(addressLength);
        reader.ReadEnd();
        return new TrafficSelector(type, protocol, startPort, endPort, start, end, default);
    }

    internal void Write(ref IkeWriter writer)
    {
        int start = writer.Position;
        writer.WriteByte((byte)Type);
        writer.WriteByte(IpProtocol);
        using (writer.BeginLength16(start))
        {
            if (IsAddressRange)
            {
                writer.WriteUInt16(StartPort);
                writer.WriteUInt16(EndPort);
                writer.WriteBytes(StartAddress.Span);
                writer.WriteBytes(EndAddress.Span);
            }
            else
            {
                writer.WriteBytes(Data.Span);
            }
        }
    }

    public override string ToString() => IsAddressRange
        ? $"{GetStartAddress()}-{GetEndAddress()} proto {IpProtocol} ports {StartPort}-{EndPort}"
        : $"{Type}";
}
