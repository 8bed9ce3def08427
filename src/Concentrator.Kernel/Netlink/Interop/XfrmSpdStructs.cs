using System.Runtime.InteropServices;

namespace Concentrator.Kernel.Netlink.Interop;

/// <summary>
/// struct xfrmu_spdhthresh (linux/xfrm.h): payload of XFRMA_SPD_IPV4_HTHRESH / XFRMA_SPD_IPV6_HTHRESH. Policies
/// whose local prefix is at least lbits and remote prefix at least rbits go into the per-direction hash table;
/// the rest are "inexact" and kept in lists the kernel searches on insert.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrmu_spdhthresh
{
    public byte lbits;
    public byte rbits;
}
