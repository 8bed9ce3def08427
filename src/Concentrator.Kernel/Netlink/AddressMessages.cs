using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.RtnetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>RTM_NEWADDR / RTM_DELADDR encoders.</summary>
internal static class AddressMessages
{
    public const int MaxLength = 16 + 8 + (2 * 20);

    /// <summary>RTM_NEWADDR: IFA_LOCAL and IFA_ADDRESS both carry the host address (iproute2 does the same for non-peer addresses).</summary>
    public static int WriteNewAddress(Span<byte> dst, uint seq, AddressRequest request) =>
        Write(dst, seq, RTM_NEWADDR, RtnetlinkFlags.Add, request);

    public static int WriteDeleteAddress(Span<byte> dst, uint seq, AddressRequest request) =>
        Write(dst, seq, RTM_DELADDR, RtnetlinkFlags.Modify, request);

    private static int Write(Span<byte> dst, uint seq, ushort type, ushort flags, AddressRequest request)
    {
        var w = new NetlinkMessageWriter(dst, type, flags, seq);
        w.Struct(new ifaddrmsg
        {
            ifa_family = (byte)AddressFamilies.Of(request.Address),
            ifa_prefixlen = request.PrefixLength,
            ifa_index = (uint)request.InterfaceIndex,
        });
        Span<byte> address = stackalloc byte[16];
        request.Address.TryWriteBytes(address, out var length);
        w.Attr(IFA_LOCAL, address[..length]);
        w.Attr(IFA_ADDRESS, address[..length]);
        return w.Finish();
    }
}
