using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.RtnetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>Parses RTM_NEWLINK messages of a GETLINK dump into <see cref="InterfaceInfo"/>.</summary>
internal static class LinkReplies
{
    public static InterfaceInfo ParseLink(NetlinkMessage message)
    {
        var ifi = message.Fixed<ifinfomsg>();
        string name = "";
        string? kind = null;
        uint? ifId = null;
        int? link = null;
        int? xfrmLink = null;
        uint mtu = 0;
        foreach (var a in message.AttributesAfter<ifinfomsg>())
        {
            switch (a.Type)
            {
                case IFLA_IFNAME: name = a.String; break;
                case IFLA_MTU: mtu = a.U32; break;
                case IFLA_LINK: link = (int)a.U32; break;
                case IFLA_LINKINFO:
                    foreach (var info in a.Nested)
                    {
                        if (info.Type == IFLA_INFO_KIND)
                        {
                            kind = info.String;
                        }
                        else if (info.Type == IFLA_INFO_DATA && kind == "xfrm")
                        {
                            // IFLA_INFO_KIND precedes IFLA_INFO_DATA in the kernel's fill order (rtnl_link_info_fill).
                            foreach (var d in info.Nested)
                            {
                                if (d.Type == IFLA_XFRM_IF_ID)
                                {
                                    ifId = d.U32;
                                }
                                else if (d.Type == IFLA_XFRM_LINK)
                                {
                                    xfrmLink = (int)d.U32;
                                }
                            }
                        }
                    }

                    break;
            }
        }

        return new InterfaceInfo(ifi.ifi_index, name)
        {
            Kind = kind,
            IfId = ifId,
            LinkIndex = xfrmLink ?? link,
            Mtu = mtu,
            Up = (ifi.ifi_flags & IFF_UP) != 0,
        };
    }
}
