using System.Runtime.InteropServices;

namespace Concentrator.Kernel.Netlink.Interop;

/// <summary>struct xfrm_userpolicy_info (linux/xfrm.h): fixed part of XFRM_MSG_NEWPOLICY/UPDPOLICY and dump replies.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_userpolicy_info
{
    public xfrm_selector sel;
    public xfrm_lifetime_cfg lft;
    public xfrm_lifetime_cur curlft;
    public uint priority;
    public uint index;
    public byte dir;
    public byte action;
    public byte flags;
    public byte share;
}

/// <summary>struct xfrm_userpolicy_id (linux/xfrm.h): fixed part of XFRM_MSG_DELPOLICY/GETPOLICY.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_userpolicy_id
{
    public xfrm_selector sel;
    public uint index;
    public byte dir;
}

/// <summary>struct xfrm_user_tmpl (linux/xfrm.h): one element of XFRMA_TMPL.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_user_tmpl
{
    public xfrm_id id;
    public ushort family;
    public xfrm_address_t saddr;
    public uint reqid;
    public byte mode;
    public byte share;
    public byte optional;
    public uint aalgos;
    public uint ealgos;
    public uint calgos;
}

/// <summary>struct xfrm_user_polexpire (linux/xfrm.h): XFRM_MSG_POLEXPIRE event.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_user_polexpire
{
    public xfrm_userpolicy_info pol;
    public byte hard;
}

/// <summary>struct xfrm_user_acquire (linux/xfrm.h): XFRM_MSG_ACQUIRE event.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_user_acquire
{
    public xfrm_id id;
    public xfrm_address_t saddr;
    public xfrm_selector sel;
    public xfrm_userpolicy_info policy;
    public uint aalgos;
    public uint ealgos;
    public uint calgos;
    public uint seq;
}
