using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.XfrmConstants;

namespace Concentrator.Kernel.Netlink;

internal static partial class XfrmMessages
{
    /// <summary>Length of <see cref="WriteSetSpdInfo"/>: header, u32 flags, two 2-byte attributes (padded to 8).</summary>
    public static int SetSpdInfoLength => 16 + 4 + (2 * Attr<xfrmu_spdhthresh>());

    /// <summary>
    /// XFRM_MSG_NEWSPDINFO setting the policy hash thresholds (as `ip xfrm policy set hthresh4 L R hthresh6 L R`):
    /// a policy whose local prefix is at least lbits and remote prefix at least rbits is hashed, any other is
    /// "inexact". The kernel rebuilds its policy hash tables afterwards.
    /// </summary>
    public static int WriteSetSpdInfo(Span<byte> dst, uint seq, byte v4Local, byte v4Remote, byte v6Local, byte v6Remote)
    {
        CheckHashThresholds(v4Local, v4Remote, v6Local, v6Remote);
        var w = new NetlinkMessageWriter(dst, XFRM_MSG_NEWSPDINFO, RequestFlags, seq);

        // The body is a u32 of flags the kernel does not read; iproute2 sends all ones, so do we (golden bytes).
        w.Struct(uint.MaxValue);
        w.AttrStruct(XFRMA_SPD_IPV4_HTHRESH, new xfrmu_spdhthresh { lbits = v4Local, rbits = v4Remote });
        w.AttrStruct(XFRMA_SPD_IPV6_HTHRESH, new xfrmu_spdhthresh { lbits = v6Local, rbits = v6Remote });
        return w.Finish();
    }

    /// <summary>The kernel answers EINVAL for prefix lengths beyond the address size; failing here names the culprit.</summary>
    public static void CheckHashThresholds(byte v4Local, byte v4Remote, byte v6Local, byte v6Remote)
    {
        if (v4Local > 32 || v4Remote > 32 || v6Local > 128 || v6Remote > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(v4Local), $"hash thresholds are prefix lengths, at most 32 (IPv4) and 128 (IPv6): {v4Local} {v4Remote} {v6Local} {v6Remote}");
        }
    }
}
