using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.NetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// Encoders for NETLINK_XFRM requests. Each writes one complete message (pid 0, the given seq) into the
/// destination and returns nlmsg_len; the next message of a batch starts at <c>NetlinkConstants.Align(len)</c>.
/// Attribute order and defaults follow iproute2 so golden tests can compare bytes.
/// Every non-dump request carries NLM_F_ACK, GETSA included: the kernel then ends every request with exactly
/// one NLMSG_ERROR (errno 0 on success) after any data reply, which is what the writer matches on.
/// </summary>
internal static partial class XfrmMessages
{
    /// <summary>Request flags for everything except dumps.</summary>
    public const ushort RequestFlags = NLM_F_REQUEST | NLM_F_ACK;

    /// <summary>Flags of a dump; the kernel answers with NLM_F_MULTI parts and NLMSG_DONE.</summary>
    public const ushort DumpFlags = NLM_F_REQUEST | NLM_F_DUMP;

    internal static uint Be32(uint hostOrder) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(hostOrder) : hostOrder;

    internal static ushort Be16(ushort hostOrder) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(hostOrder) : hostOrder;

    internal static xfrm_selector Selector(TrafficSelector? ts)
    {
        if (ts is null)
        {
            // iproute2 leaves the selector all zero when none is given; the kernel then takes the SA's family.
            return default;
        }

        return new xfrm_selector
        {
            daddr = xfrm_address_t.From(ts.Destination.BaseAddress),
            saddr = xfrm_address_t.From(ts.Source.BaseAddress),
            dport = Be16(ts.DestinationPort),
            dport_mask = ts.DestinationPort != 0 ? ushort.MaxValue : (ushort)0,
            sport = Be16(ts.SourcePort),
            sport_mask = ts.SourcePort != 0 ? ushort.MaxValue : (ushort)0,
            family = AddressFamilies.Of(ts.Source.BaseAddress),
            prefixlen_d = (byte)ts.Destination.PrefixLength,
            prefixlen_s = (byte)ts.Source.PrefixLength,
            proto = ts.Protocol,
            ifindex = ts.InterfaceIndex,
        };
    }

    internal static xfrm_lifetime_cfg Lifetime(SaLifetime l) => new()
    {
        soft_byte_limit = l.SoftBytes,
        hard_byte_limit = l.HardBytes,
        soft_packet_limit = l.SoftPackets,
        hard_packet_limit = l.HardPackets,
        soft_add_expires_seconds = l.SoftAddSeconds,
        hard_add_expires_seconds = l.HardAddSeconds,
        soft_use_expires_seconds = l.SoftUseSeconds,
        hard_use_expires_seconds = l.HardUseSeconds,
    };

    internal static void Mark(ref NetlinkMessageWriter w, XfrmMark? mark)
    {
        if (mark is { } m)
        {
            w.AttrStruct(XfrmConstants.XFRMA_MARK, new xfrm_mark { v = m.Value, m = m.Mask });
        }
    }

    internal static void IfId(ref NetlinkMessageWriter w, uint ifId)
    {
        if (ifId != 0)
        {
            w.AttrU32(XfrmConstants.XFRMA_IF_ID, ifId);
        }
    }

    internal static int Size<T>()
        where T : unmanaged => Marshal.SizeOf<T>();

    internal static int Attr(int payload) => NetlinkMessageWriter.AttrSize(payload);

    internal static int Attr<T>()
        where T : unmanaged => NetlinkMessageWriter.AttrSize<T>();

    /// <summary>XFRM_MSG_FLUSHSA: removes every SA of <paramref name="protocol"/> (0 = all IPsec protocols) in the namespace. Not owner-aware: see <see cref="KernelOwnership"/>.</summary>
    public static int WriteFlushSa(Span<byte> dst, uint seq, byte protocol = 0)
    {
        var w = new NetlinkMessageWriter(dst, XfrmConstants.XFRM_MSG_FLUSHSA, RequestFlags, seq);
        w.Struct(new xfrm_usersa_flush { proto = protocol });
        return w.Finish();
    }

    /// <summary>XFRM_MSG_FLUSHPOLICY: removes every main-type policy in the namespace.</summary>
    public static int WriteFlushPolicy(Span<byte> dst, uint seq)
    {
        var w = new NetlinkMessageWriter(dst, XfrmConstants.XFRM_MSG_FLUSHPOLICY, RequestFlags, seq);
        return w.Finish();
    }

    public const int FlushLength = 20;

    /// <summary>XFRM_MSG_GETSA dump of every SA (answered with XFRM_MSG_NEWSA parts, then NLMSG_DONE).</summary>
    public static int WriteDumpSa(Span<byte> dst, uint seq) =>
        new NetlinkMessageWriter(dst, XfrmConstants.XFRM_MSG_GETSA, DumpFlags, seq).Finish();

    /// <summary>XFRM_MSG_GETPOLICY dump of every policy.</summary>
    public static int WriteDumpPolicy(Span<byte> dst, uint seq) =>
        new NetlinkMessageWriter(dst, XfrmConstants.XFRM_MSG_GETPOLICY, DumpFlags, seq).Finish();

    public const int DumpLength = 16;

    internal static IPAddress AnyOf(IPAddress sample) =>
        sample.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
