using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Concentrator.Kernel.Userspace;

/// <summary>The fields of an inner IP packet that policies and selectors look at, read without allocating.</summary>
internal readonly record struct IpPacketInfo(bool IsV6, UInt128 Source, UInt128 Destination, byte Protocol, ushort SourcePort, ushort DestinationPort, int TotalLength);

/// <summary>
/// Reads IPv4/IPv6 headers. Addresses become <see cref="UInt128"/> keys: IPv6 as is, IPv4 as the mapped
/// address ::ffff:a.b.c.d, so one dictionary serves both families.
/// </summary>
internal static class IpPacket
{
    public const byte NextHeaderIpv4 = 4;
    public const byte NextHeaderIpv6 = 41;
    private static readonly UInt128 V4Prefix = (UInt128)0xFFFF << 32;

    public static bool TryParse(ReadOnlySpan<byte> p, out IpPacketInfo info)
    {
        info = default;
        if (p.Length < 20)
        {
            return false;
        }

        int version = p[0] >> 4;
        if (version == 4)
        {
            int ihl = (p[0] & 0xF) * 4;
            int total = BinaryPrimitives.ReadUInt16BigEndian(p[2..]);
            if (ihl < 20 || total < ihl || total > p.Length)
            {
                return false;
            }

            byte proto = p[9];
            // Ports only from the first fragment: later fragments carry no transport header.
            bool firstFragment = (BinaryPrimitives.ReadUInt16BigEndian(p[6..]) & 0x1FFF) == 0;
            ReadPorts(proto, firstFragment ? p[ihl..total] : default, out var sp, out var dp);
            info = new IpPacketInfo(false, V4Prefix | BinaryPrimitives.ReadUInt32BigEndian(p[12..]), V4Prefix | BinaryPrimitives.ReadUInt32BigEndian(p[16..]), proto, sp, dp, total);
            return true;
        }

        if (version == 6 && p.Length >= 40)
        {
            int total = 40 + BinaryPrimitives.ReadUInt16BigEndian(p[4..]);
            if (total > p.Length)
            {
                return false;
            }

            // Extension headers are not walked: the selector sees the first next-header value.
            byte proto = p[6];
            ReadPorts(proto, p[40..total], out var sp, out var dp);
            info = new IpPacketInfo(true, BinaryPrimitives.ReadUInt128BigEndian(p[8..]), BinaryPrimitives.ReadUInt128BigEndian(p[24..]), proto, sp, dp, total);
            return true;
        }

        return false;
    }

    /// <summary>Destination key only, for the outbound fast path.</summary>
    public static bool TryReadDestination(ReadOnlySpan<byte> p, out UInt128 destination)
    {
        destination = default;
        if (p.Length >= 20 && p[0] >> 4 == 4)
        {
            destination = V4Prefix | BinaryPrimitives.ReadUInt32BigEndian(p[16..]);
            return true;
        }

        if (p.Length >= 40 && p[0] >> 4 == 6)
        {
            destination = BinaryPrimitives.ReadUInt128BigEndian(p[24..]);
            return true;
        }

        return false;
    }

    public static UInt128 Key(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(b, out _);
            return V4Prefix | BinaryPrimitives.ReadUInt32BigEndian(b);
        }

        address.TryWriteBytes(b, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    /// <summary>Prefix length in the 128-bit key space (IPv4 /n becomes /(96+n)).</summary>
    public static int KeyPrefixLength(IPNetwork network) =>
        network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 96 + network.PrefixLength : network.PrefixLength;

    private static void ReadPorts(byte proto, ReadOnlySpan<byte> l4, out ushort sp, out ushort dp)
    {
        sp = 0;
        dp = 0;
        switch (proto)
        {
            case 6 or 17 or 132 or 136 when l4.Length >= 4:
                sp = BinaryPrimitives.ReadUInt16BigEndian(l4);
                dp = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                break;
            case 1 or 58 when l4.Length >= 2:
                // RFC 7296 section 3.13.1 / xfrm_selector: ICMP type in the source port, code in the destination port.
                sp = l4[0];
                dp = l4[1];
                break;
        }
    }
}
