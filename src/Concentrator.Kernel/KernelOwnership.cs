namespace Concentrator.Kernel;

/// <summary>
/// What "owned by this concentrator" means for <see cref="IKernelIpsec.FlushOwnedAsync"/>. The kernel's own
/// XFRM_MSG_FLUSHSA/FLUSHPOLICY cannot filter (they flush a whole protocol / policy type), so ownership is
/// decided by us while walking dumps:
/// <list type="bullet">
/// <item>an SA is owned when its reqid is in [<see cref="FirstReqid"/>, <see cref="LastReqid"/>];</item>
/// <item>a policy is owned when any template's reqid is in that range, or when its if_id is one of
///   <see cref="IfIds"/> (the interfaces we manage; policies we install always carry one of them);</item>
/// <item>an interface is owned when it is of kind xfrm and its if_id is in <see cref="IfIds"/>.</item>
/// </list>
/// Other daemons (strongSwan starts reqids at 1, libreswan at 16384+) keep their state when the range is
/// chosen apart from theirs; the default range [0x4000_0000, 0x7FFF_FFFF] is far above both.
/// </summary>
public sealed record KernelOwnership(uint FirstReqid, uint LastReqid, IReadOnlySet<uint> IfIds)
{
    public const uint DefaultFirstReqid = 0x4000_0000;
    public const uint DefaultLastReqid = 0x7FFF_FFFF;

    public static KernelOwnership Default(params uint[] ifIds) => new(DefaultFirstReqid, DefaultLastReqid, new HashSet<uint>(ifIds));

    public bool OwnsReqid(uint reqid) => reqid >= FirstReqid && reqid <= LastReqid;

    public bool OwnsIfId(uint ifId) => ifId != 0 && IfIds.Contains(ifId);
}
