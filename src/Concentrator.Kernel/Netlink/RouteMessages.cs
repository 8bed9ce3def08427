using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.RtnetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>RTM_NEWROUTE / RTM_DELROUTE encoders; header defaults mirror iproute2's ip/iproute.c.</summary>
internal static class RouteMessages
{
    public const int MaxLength = 16 + 12 + (3 * 20) + (3 * 8);

    /// <summary>
    /// RTM_NEWROUTE. Attributes: RTA_DST, RTA_TABLE (only for tables above 255; smaller ids go in rtm_table),
    /// RTA_PRIORITY, RTA_PREFSRC, RTA_GATEWAY, RTA_OIF. Scope is link for an IPv4 route without a gateway,
    /// universe otherwise (IPv6 routes are always universe).
    /// </summary>
    public static int WriteNewRoute(Span<byte> dst, uint seq, RouteRequest route)
    {
        var v6 = route.Destination.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var w = new NetlinkMessageWriter(dst, RTM_NEWROUTE, RtnetlinkFlags.Add, seq);
        w.Struct(new rtmsg
        {
            rtm_family = (byte)AddressFamilies.Of(route.Destination.BaseAddress),
            rtm_dst_len = (byte)route.Destination.PrefixLength,
            rtm_table = route.Table < 256 ? (byte)route.Table : RT_TABLE_UNSPEC,
            rtm_protocol = route.Protocol,
            rtm_scope = v6 || route.Gateway is not null ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
            rtm_type = RTN_UNICAST,
        });
        Destination(ref w, route);
        if (route.Metric is { } metric)
        {
            w.AttrU32(RTA_PRIORITY, metric);
        }

        Address(ref w, RTA_PREFSRC, route.PreferredSource);
        Address(ref w, RTA_GATEWAY, route.Gateway);
        w.AttrU32(RTA_OIF, (uint)route.InterfaceIndex);
        return w.Finish();
    }

    /// <summary>
    /// RTM_DELROUTE matching destination, table, metric and device; protocol, type and preferred source are
    /// left out so any such route goes (scope "nowhere" for IPv4, as iproute2).
    /// </summary>
    public static int WriteDeleteRoute(Span<byte> dst, uint seq, RouteRequest route)
    {
        var v6 = route.Destination.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var w = new NetlinkMessageWriter(dst, RTM_DELROUTE, RtnetlinkFlags.Modify, seq);
        w.Struct(new rtmsg
        {
            rtm_family = (byte)AddressFamilies.Of(route.Destination.BaseAddress),
            rtm_dst_len = (byte)route.Destination.PrefixLength,
            rtm_table = route.Table < 256 ? (byte)route.Table : RT_TABLE_UNSPEC,
            rtm_scope = v6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE,
        });
        Destination(ref w, route);
        if (route.Metric is { } metric)
        {
            w.AttrU32(RTA_PRIORITY, metric);
        }

        w.AttrU32(RTA_OIF, (uint)route.InterfaceIndex);
        return w.Finish();
    }

    private static void Destination(ref NetlinkMessageWriter w, RouteRequest route)
    {
        // A /0 destination is "default": iproute2 sends no RTA_DST for it.
        if (route.Destination.PrefixLength != 0)
        {
            Address(ref w, RTA_DST, route.Destination.BaseAddress);
        }

        if (route.Table >= 256)
        {
            w.AttrU32(RTA_TABLE, route.Table);
        }
    }

    private static void Address(ref NetlinkMessageWriter w, ushort type, IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        w.Attr(type, bytes[..length]);
    }
}
