using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.RtnetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>RTM_NEWRULE / RTM_DELRULE encoders for "fwmark → table" rules (ip rule add fwmark M[/MASK] lookup T priority P).</summary>
internal static class RuleMessages
{
    public const int MaxLength = 16 + 12 + (4 * 8);

    public static int WriteNewRule(Span<byte> dst, uint seq, RuleRequest rule) =>
        Write(dst, seq, RTM_NEWRULE, RtnetlinkFlags.Add, FR_ACT_TO_TBL, rule);

    /// <summary>RTM_DELRULE: iproute2 leaves the action unspecified on delete, so the kernel matches any action.</summary>
    public static int WriteDeleteRule(Span<byte> dst, uint seq, RuleRequest rule) =>
        Write(dst, seq, RTM_DELRULE, RtnetlinkFlags.Modify, FR_ACT_UNSPEC, rule);

    private static int Write(Span<byte> dst, uint seq, ushort type, ushort flags, byte action, RuleRequest rule)
    {
        var w = new NetlinkMessageWriter(dst, type, flags, seq);
        w.Struct(new fib_rule_hdr
        {
            family = (byte)AddressFamilies.Of(rule.Family),
            table = rule.Table < 256 ? (byte)rule.Table : RT_TABLE_UNSPEC,
            action = action,
        });
        w.AttrU32(FRA_FWMARK, rule.FwMark);

        // Without FRA_FWMASK the kernel uses an all-ones mask, so it is only sent when narrower.
        if (rule.FwMask != uint.MaxValue)
        {
            w.AttrU32(FRA_FWMASK, rule.FwMask);
        }

        if (rule.Table >= 256)
        {
            w.AttrU32(FRA_TABLE, rule.Table);
        }

        w.AttrU32(FRA_PRIORITY, rule.Priority);
        return w.Finish();
    }
}
