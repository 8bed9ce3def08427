using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.RtnetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>RTM_*LINK encoders for xfrm interfaces (iproute2's ip/link_xfrm.c layout).</summary>
internal static class LinkMessages
{
    /// <summary>Interface names are at most IFNAMSIZ-1 = 15 characters.</summary>
    public const int MaxNameLength = 15;

    public const int MaxLength = 16 + 16 + 8 + 20 + 8 + 8 + 8 + 8 + 8;

    /// <summary>
    /// RTM_NEWLINK creating "xfrm" interface <see cref="InterfaceRequest.Name"/>: IFLA_MTU, IFLA_IFNAME,
    /// IFLA_LINKINFO { IFLA_INFO_KIND "xfrm", IFLA_INFO_DATA { IFLA_XFRM_IF_ID, IFLA_XFRM_LINK } }, brought up
    /// in the same request when <see cref="InterfaceRequest.Up"/>.
    /// </summary>
    public static int WriteNewXfrmLink(Span<byte> dst, uint seq, InterfaceRequest request)
    {
        if (request.Name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"interface name '{request.Name}' must be 1..{MaxNameLength} characters", nameof(request));
        }

        if (request.IfId == 0)
        {
            // The kernel rejects an xfrm interface with if_id 0 (see IpsecInterfaceSetting for ipsec0).
            throw new ArgumentException("xfrm interfaces need a non-zero if_id", nameof(request));
        }

        var w = new NetlinkMessageWriter(dst, RTM_NEWLINK, RtnetlinkFlags.Add, seq);
        w.Struct(new ifinfomsg
        {
            ifi_flags = request.Up ? IFF_UP : 0,
            ifi_change = request.Up ? IFF_UP : 0,
        });
        if (request.Mtu is { } mtu)
        {
            w.AttrU32(IFLA_MTU, mtu);
        }

        w.AttrString(IFLA_IFNAME, request.Name, nulTerminated: true);
        var linkInfo = w.BeginNested(IFLA_LINKINFO);
        w.AttrString(IFLA_INFO_KIND, "xfrm", nulTerminated: false);
        var data = w.BeginNested(IFLA_INFO_DATA);
        w.AttrU32(IFLA_XFRM_IF_ID, request.IfId);
        if (request.UnderlyingInterfaceIndex != 0)
        {
            w.AttrU32(IFLA_XFRM_LINK, (uint)request.UnderlyingInterfaceIndex);
        }

        w.EndNested(data);
        w.EndNested(linkInfo);
        return w.Finish();
    }

    /// <summary>RTM_NEWLINK on an existing index setting IFF_UP on or off ("ip link set dev X up|down").</summary>
    public static int WriteSetLinkUp(Span<byte> dst, uint seq, int interfaceIndex, bool up)
    {
        var w = new NetlinkMessageWriter(dst, RTM_NEWLINK, RtnetlinkFlags.Modify, seq);
        w.Struct(new ifinfomsg { ifi_index = interfaceIndex, ifi_flags = up ? IFF_UP : 0, ifi_change = IFF_UP });
        return w.Finish();
    }

    public static int WriteDeleteLink(Span<byte> dst, uint seq, int interfaceIndex)
    {
        var w = new NetlinkMessageWriter(dst, RTM_DELLINK, RtnetlinkFlags.Modify, seq);
        w.Struct(new ifinfomsg { ifi_index = interfaceIndex });
        return w.Finish();
    }

    /// <summary>RTM_GETLINK dump of all links, as `ip link show` asks (AF_PACKET, IFLA_EXT_MASK = RTEXT_FILTER_VF).</summary>
    public static int WriteDumpLinks(Span<byte> dst, uint seq)
    {
        var w = new NetlinkMessageWriter(dst, RTM_GETLINK, RtnetlinkFlags.Dump, seq);
        w.Struct(new ifinfomsg { ifi_family = AddressFamilies.AF_PACKET });
        w.AttrU32(IFLA_EXT_MASK, RTEXT_FILTER_VF);
        return w.Finish();
    }
}
