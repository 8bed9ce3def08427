using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.RtnetlinkConstants;

namespace Concentrator.Kernel.Netlink;

public sealed partial class NetlinkKernelIpsec
{
    // linux/rtnetlink.h; not (yet) in RtnetlinkConstants.
    private const ushort RTM_GETROUTE = 26;
    private const ushort RTM_GETRULE = 34;

    /// <summary>Unicast routes of every table (RTM_GETROUTE dump), as <see cref="RouteRequest"/>s that would delete them.</summary>
    public async ValueTask<IReadOnlyList<RouteRequest>> ListRoutesAsync(AddressFamily family, CancellationToken cancellationToken = default)
    {
        var reply = await Submit(RouteWriter, Dump("RTM_GETROUTE dump", RTM_GETROUTE, family, cancellationToken)).ConfigureAwait(false);
        var list = new List<RouteRequest>();
        foreach (var bytes in reply.Messages)
        {
            foreach (var m in new NetlinkMessageReader(bytes))
            {
                if (m.Type == RTM_NEWROUTE && ParseRoute(m) is { } route)
                {
                    list.Add(route);
                }
            }
        }

        return list;
    }

    /// <summary>fwmark rules (RTM_GETRULE dump); rules without FRA_FWMARK (the default ones) are left out.</summary>
    public async ValueTask<IReadOnlyList<RuleRequest>> ListRulesAsync(AddressFamily family, CancellationToken cancellationToken = default)
    {
        var reply = await Submit(RouteWriter, Dump("RTM_GETRULE dump", RTM_GETRULE, family, cancellationToken)).ConfigureAwait(false);
        var list = new List<RuleRequest>();
        foreach (var bytes in reply.Messages)
        {
            foreach (var m in new NetlinkMessageReader(bytes))
            {
                if (m.Type == RTM_NEWRULE && ParseRule(m, family) is { } rule)
                {
                    list.Add(rule);
                }
            }
        }

        return list;
    }

    private static NetlinkRequest Dump(string operation, ushort type, AddressFamily family, CancellationToken ct) =>
        new(operation, (dst, seq) =>
        {
            // rtmsg and fib_rule_hdr both start with the family byte; 12 zero bytes fit either.
            var w = new NetlinkMessageWriter(dst, type, RtnetlinkFlags.Dump, seq);
            w.Struct(new rtmsg { rtm_family = (byte)AddressFamilies.Of(family) });
            return w.Finish();
        }, ct)
        {
            IsDump = true,
            MaxLength = 32,
        };

    private static RouteRequest? ParseRoute(NetlinkMessage m)
    {
        var r = m.Fixed<rtmsg>();
        if (r.rtm_type != RTN_UNICAST)
        {
            return null;
        }

        uint table = r.rtm_table;
        IPAddress? destination = null, gateway = null, source = null;
        int oif = 0;
        uint? metric = null;
        foreach (var a in m.AttributesAfter<rtmsg>())
        {
            switch (a.Type)
            {
                case RTA_DST: destination = new IPAddress(a.Value); break;
                case RTA_OIF: oif = (int)a.U32; break;
                case RTA_TABLE: table = a.U32; break;
                case RTA_PRIORITY: metric = a.U32; break;
                case RTA_GATEWAY: gateway = new IPAddress(a.Value); break;
                case RTA_PREFSRC: source = new IPAddress(a.Value); break;
            }
        }

        var family = AddressFamilies.ToDotNet(r.rtm_family);
        destination ??= family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        return new RouteRequest(XfrmReplies.Network(destination, r.rtm_dst_len), oif)
        {
            Table = table,
            Metric = metric,
            Gateway = gateway,
            PreferredSource = source,
            Protocol = r.rtm_protocol,
        };
    }

    private static RuleRequest? ParseRule(NetlinkMessage m, AddressFamily family)
    {
        var h = m.Fixed<fib_rule_hdr>();
        uint table = h.table, priority = 0, mask = uint.MaxValue;
        uint? mark = null;
        foreach (var a in m.AttributesAfter<fib_rule_hdr>())
        {
            switch (a.Type)
            {
                case FRA_FWMARK: mark = a.U32; break;
                case FRA_FWMASK: mask = a.U32; break;
                case FRA_TABLE: table = a.U32; break;
                case FRA_PRIORITY: priority = a.U32; break;
            }
        }

        return mark is { } v ? new RuleRequest(v, table, priority) { FwMask = mask, Family = family } : null;
    }
}
