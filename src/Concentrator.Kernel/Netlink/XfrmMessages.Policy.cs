using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.XfrmConstants;

namespace Concentrator.Kernel.Netlink;

internal static partial class XfrmMessages
{
    public static int MaxNewPolicyLength(PolicyRequest policy) =>
        16 + Size<xfrm_userpolicy_info>() + Attr(policy.Templates.Count * Size<xfrm_user_tmpl>()) + Attr<xfrm_mark>() + Attr(4);

    /// <summary>XFRM_MSG_NEWPOLICY (fails with EEXIST) or XFRM_MSG_UPDPOLICY (adds or replaces). Attributes: TMPL, MARK, IF_ID.</summary>
    public static int WriteNewPolicy(Span<byte> dst, uint seq, PolicyRequest policy, bool update)
    {
        var w = new NetlinkMessageWriter(dst, update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY, RequestFlags, seq);
        w.Struct(new xfrm_userpolicy_info
        {
            sel = Selector(policy.Selector),
            lft = Lifetime(policy.Lifetime),
            priority = policy.Priority,
            index = policy.Index,
            dir = (byte)policy.Direction,
            action = (byte)policy.Action,
        });

        if (policy.Templates.Count > 0)
        {
            var size = Size<xfrm_user_tmpl>();
            var area = w.AttrReserve(XFRMA_TMPL, policy.Templates.Count * size);
            for (var i = 0; i < policy.Templates.Count; i++)
            {
                var t = policy.Templates[i];
                var tmpl = new xfrm_user_tmpl
                {
                    id = new xfrm_id { daddr = xfrm_address_t.From(t.Destination), spi = Be32(t.Spi), proto = (byte)t.Protocol },
                    family = AddressFamilies.Of(t.Destination),
                    saddr = xfrm_address_t.From(t.Source),
                    reqid = t.Reqid,
                    mode = (byte)t.Mode,
                    optional = t.Optional ? (byte)1 : (byte)0,

                    // Any algorithm: the SA installed for the reqid decides, as iproute2's default.
                    aalgos = uint.MaxValue,
                    ealgos = uint.MaxValue,
                    calgos = uint.MaxValue,
                };
                System.Runtime.InteropServices.MemoryMarshal.Write(area.Slice(i * size, size), in tmpl);
            }
        }

        Mark(ref w, policy.Mark);
        IfId(ref w, policy.IfId);
        return w.Finish();
    }

    public static int MaxPolicyIdLength => 16 + Size<xfrm_userpolicy_id>() + Attr<xfrm_mark>() + Attr(4);

    /// <summary>XFRM_MSG_DELPOLICY by selector + direction (+ mark, if_id, which the kernel matches too).</summary>
    public static int WriteDeletePolicy(Span<byte> dst, uint seq, PolicyId policy)
    {
        var w = new NetlinkMessageWriter(dst, XFRM_MSG_DELPOLICY, RequestFlags, seq);
        w.Struct(new xfrm_userpolicy_id { sel = Selector(policy.Selector), dir = (byte)policy.Direction });
        Mark(ref w, policy.Mark);
        IfId(ref w, policy.IfId);
        return w.Finish();
    }

    /// <summary>XFRM_MSG_DELPOLICY by the kernel's policy index (from a dump), for flushing what we own.</summary>
    public static int WriteDeletePolicyByIndex(Span<byte> dst, uint seq, uint index, PolicyDirection direction, XfrmMark? mark = null, uint ifId = 0)
    {
        var w = new NetlinkMessageWriter(dst, XFRM_MSG_DELPOLICY, RequestFlags, seq);
        // The kernel ignores the selector when an index is given; family AF_INET is what iproute2 leaves there.
        w.Struct(new xfrm_userpolicy_id { sel = new xfrm_selector { family = AddressFamilies.AF_INET }, index = index, dir = (byte)direction });
        Mark(ref w, mark);
        IfId(ref w, ifId);
        return w.Finish();
    }
}
