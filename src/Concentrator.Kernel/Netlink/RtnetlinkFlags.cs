using static Concentrator.Kernel.Netlink.Interop.NetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>nlmsg_flags of rtnetlink requests, as iproute2 sends them.</summary>
internal static class RtnetlinkFlags
{
    /// <summary>Create, fail with EEXIST if present ("ip … add").</summary>
    public const ushort Add = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

    /// <summary>Delete or modify an existing object.</summary>
    public const ushort Modify = NLM_F_REQUEST | NLM_F_ACK;

    public const ushort Dump = NLM_F_REQUEST | NLM_F_DUMP;
}
