namespace Concentrator.Kernel.Netlink.Interop;

/// <summary>linux/xfrm.h constants, C names. Values are checked against the uapi headers by the Interop tests.</summary>
internal static class XfrmConstants
{
    // enum: message types (XFRM_MSG_BASE = 0x10)
    public const ushort XFRM_MSG_NEWSA = 0x10;
    public const ushort XFRM_MSG_DELSA = 0x11;
    public const ushort XFRM_MSG_GETSA = 0x12;
    public const ushort XFRM_MSG_NEWPOLICY = 0x13;
    public const ushort XFRM_MSG_DELPOLICY = 0x14;
    public const ushort XFRM_MSG_GETPOLICY = 0x15;
    public const ushort XFRM_MSG_ALLOCSPI = 0x16;
    public const ushort XFRM_MSG_ACQUIRE = 0x17;
    public const ushort XFRM_MSG_EXPIRE = 0x18;
    public const ushort XFRM_MSG_UPDPOLICY = 0x19;
    public const ushort XFRM_MSG_UPDSA = 0x1a;
    public const ushort XFRM_MSG_POLEXPIRE = 0x1b;
    public const ushort XFRM_MSG_FLUSHSA = 0x1c;
    public const ushort XFRM_MSG_FLUSHPOLICY = 0x1d;
    public const ushort XFRM_MSG_NEWSPDINFO = 0x24;
    public const ushort XFRM_MSG_GETSPDINFO = 0x25;

    // enum xfrm_attr_type_t
    public const ushort XFRMA_ALG_AUTH = 1;
    public const ushort XFRMA_ALG_CRYPT = 2;
    public const ushort XFRMA_ALG_COMP = 3;
    public const ushort XFRMA_ENCAP = 4;
    public const ushort XFRMA_TMPL = 5;
    public const ushort XFRMA_SA = 6;
    public const ushort XFRMA_POLICY = 7;
    public const ushort XFRMA_LTIME_VAL = 9;
    public const ushort XFRMA_REPLAY_VAL = 10;
    public const ushort XFRMA_SRCADDR = 13;
    public const ushort XFRMA_COADDR = 14;
    public const ushort XFRMA_LASTUSED = 15;
    public const ushort XFRMA_POLICY_TYPE = 16;
    public const ushort XFRMA_ALG_AEAD = 18;
    public const ushort XFRMA_ALG_AUTH_TRUNC = 20;
    public const ushort XFRMA_MARK = 21;
    public const ushort XFRMA_TFCPAD = 22;
    public const ushort XFRMA_REPLAY_ESN_VAL = 23;
    public const ushort XFRMA_SA_EXTRA_FLAGS = 24;
    public const ushort XFRMA_PROTO = 25;
    public const ushort XFRMA_SET_MARK = 29;
    public const ushort XFRMA_SET_MARK_MASK = 30;
    public const ushort XFRMA_IF_ID = 31;

    // enum xfrm_spdattr_type_t: attributes of XFRM_MSG_NEWSPDINFO/GETSPDINFO
    public const ushort XFRMA_SPD_INFO = 1;
    public const ushort XFRMA_SPD_HINFO = 2;
    public const ushort XFRMA_SPD_IPV4_HTHRESH = 3;
    public const ushort XFRMA_SPD_IPV6_HTHRESH = 4;

    // xfrm_usersa_info.flags
    public const byte XFRM_STATE_AF_UNSPEC = 32;
    public const byte XFRM_STATE_ESN = 128;

    // directions, actions
    public const byte XFRM_POLICY_IN = 0;
    public const byte XFRM_POLICY_OUT = 1;
    public const byte XFRM_POLICY_FWD = 2;
    public const byte XFRM_POLICY_ALLOW = 0;
    public const byte XFRM_POLICY_BLOCK = 1;
    public const byte XFRM_POLICY_TYPE_MAIN = 0;

    public const byte XFRM_MODE_TRANSPORT = 0;
    public const byte XFRM_MODE_TUNNEL = 1;

    // multicast groups (enum xfrm_nlgroups), subscribe with NETLINK_ADD_MEMBERSHIP
    public const int XFRMNLGRP_ACQUIRE = 1;
    public const int XFRMNLGRP_EXPIRE = 2;
    public const int XFRMNLGRP_SA = 3;
    public const int XFRMNLGRP_POLICY = 4;

    /// <summary>XFRM_INF: "no limit" in xfrm_lifetime_cfg.</summary>
    public const ulong XFRM_INF = ulong.MaxValue;

    // linux/udp.h
    public const ushort UDP_ENCAP_ESPINUDP = 2;

    // netinet/in.h
    public const byte IPPROTO_ESP = 50;
    public const byte IPPROTO_AH = 51;
}
