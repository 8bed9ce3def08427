using System.Runtime.InteropServices;

namespace Concentrator.Kernel.Netlink.Interop;

/// <summary>struct xfrm_lifetime_cfg (linux/xfrm.h): limits; XFRM_INF (all ones) means none.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_lifetime_cfg
{
    public ulong soft_byte_limit;
    public ulong hard_byte_limit;
    public ulong soft_packet_limit;
    public ulong hard_packet_limit;
    public ulong soft_add_expires_seconds;
    public ulong hard_add_expires_seconds;
    public ulong soft_use_expires_seconds;
    public ulong hard_use_expires_seconds;
}

/// <summary>struct xfrm_lifetime_cur (linux/xfrm.h): counters the kernel reports; times are seconds since the epoch.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_lifetime_cur
{
    public ulong bytes;
    public ulong packets;
    public ulong add_time;
    public ulong use_time;
}

/// <summary>struct xfrm_stats (linux/xfrm.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_stats
{
    public uint replay_window;
    public uint replay;
    public uint integrity_failed;
}

/// <summary>struct xfrm_usersa_info (linux/xfrm.h): fixed part of XFRM_MSG_NEWSA/UPDSA and of GETSA replies.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_usersa_info
{
    public xfrm_selector sel;
    public xfrm_id id;
    public xfrm_address_t saddr;
    public xfrm_lifetime_cfg lft;
    public xfrm_lifetime_cur curlft;
    public xfrm_stats stats;
    public uint seq;
    public uint reqid;
    public ushort family;
    public byte mode;
    public byte replay_window;
    public byte flags;
}

/// <summary>struct xfrm_usersa_id (linux/xfrm.h): fixed part of XFRM_MSG_DELSA/GETSA.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_usersa_id
{
    public xfrm_address_t daddr;
    public uint spi;
    public ushort family;
    public byte proto;
}

/// <summary>struct xfrm_userspi_info (linux/xfrm.h): fixed part of XFRM_MSG_ALLOCSPI; min/max in host order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_userspi_info
{
    public xfrm_usersa_info info;
    public uint min;
    public uint max;
}

/// <summary>struct xfrm_usersa_flush (linux/xfrm.h): XFRM_MSG_FLUSHSA; proto 0 = every IPsec protocol.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_usersa_flush
{
    public byte proto;
}

/// <summary>struct xfrm_encap_tmpl (linux/xfrm.h): XFRMA_ENCAP; ports in network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_encap_tmpl
{
    public ushort encap_type;
    public ushort encap_sport;
    public ushort encap_dport;
    public xfrm_address_t encap_oa;
}

/// <summary>
/// struct xfrm_replay_state_esn (linux/xfrm.h) without its flexible bmp[] tail: XFRMA_REPLAY_ESN_VAL. The
/// kernel accepts exactly this size and allocates the bitmap itself (xfrm_user.c verify_replay).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_replay_state_esn
{
    public uint bmp_len;
    public uint oseq;
    public uint seq;
    public uint oseq_hi;
    public uint seq_hi;
    public uint replay_window;
}

/// <summary>struct xfrm_user_expire (linux/xfrm.h): XFRM_MSG_EXPIRE event.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xfrm_user_expire
{
    public xfrm_usersa_info state;
    public byte hard;
}
