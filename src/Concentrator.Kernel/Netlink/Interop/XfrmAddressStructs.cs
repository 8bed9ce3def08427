using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Concentrator.Kernel.Netlink.Interop;

/// <summary>
/// xfrm_address_t (linux/xfrm.h): a union of an IPv4 address (first 4 bytes) and an IPv6 address, both in
/// network byte order; IPv4 leaves the other 12 bytes zero.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct xfrm_address_t
{
    public fixed uint a6[4];

    public static xfrm_address_t From(IPAddress? address)
    {
        var a = default(xfrm_address_t);
        if (address is not null)
        {
            var span = MemoryMarshal.AsBytes(new Span<xfrm_address_t>(ref a));
            if (!address.TryWriteBytes(span, out _))
            {
                throw new ArgumentException($"cannot encode address {address}", nameof(address));
            }
        }

        return a;
    }

    /// <summary>All 16 bytes equal (an address of either family compares as its union).</summary>
    public readonly bool SameAs(in xfrm_address_t other) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<xfrm_address_t>(in this)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<xfrm_address_t>(in other)));

    public readonly IPAddress ToIPAddress(ushort family)
    {
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<xfrm_address_t>(in this));
        return family == AddressFamilies.AF_INET6 ? new IPAddress(bytes) : new IPAddress(bytes[..4]);
    }
}

/// <summary>struct xfrm_id (linux/xfrm.h): SA identity (destination, SPI in network order, protocol).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_id
{
    public xfrm_address_t daddr;
    public uint spi;
    public byte proto;
}

/// <summary>struct xfrm_selector (linux/xfrm.h): ports are in network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_selector
{
    public xfrm_address_t daddr;
    public xfrm_address_t saddr;
    public ushort dport;
    public ushort dport_mask;
    public ushort sport;
    public ushort sport_mask;
    public ushort family;
    public byte prefixlen_d;
    public byte prefixlen_s;
    public byte proto;
    public int ifindex;
    public uint user;
}

/// <summary>struct xfrm_mark (linux/xfrm.h): XFRMA_MARK payload.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_mark
{
    public uint v;
    public uint m;
}

/// <summary>AF_* values the kernel structs carry.</summary>
internal static class AddressFamilies
{
    public const ushort AF_UNSPEC = 0;
    public const ushort AF_INET = 2;
    public const ushort AF_INET6 = 10;
    public const byte AF_PACKET = 17;

    public static ushort Of(IPAddress address) => Of(address.AddressFamily);

    public static ushort Of(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => throw new ArgumentException($"unsupported address family {family}", nameof(family)),
    };

    public static AddressFamily ToDotNet(ushort family) =>
        family == AF_INET6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
}
