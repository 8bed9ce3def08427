using System.Net;

namespace Concentrator.Kernel;

/// <summary>One xfrm_user_tmpl: which SA a policy requires. Tunnel mode templates carry the outer addresses.</summary>
public sealed record PolicyTemplate(IPAddress Source, IPAddress Destination, uint Reqid)
{
    public IpsecProtocol Protocol { get; init; } = IpsecProtocol.Esp;
    public IpsecMode Mode { get; init; } = IpsecMode.Tunnel;

    /// <summary>SPI to require, 0 = any SA with the reqid.</summary>
    public uint Spi { get; init; }

    /// <summary>An optional template may be skipped on input (used for IPComp); ESP templates are mandatory.</summary>
    public bool Optional { get; init; }
}

/// <summary>Identity of a policy: selector + direction (+ if_id and mark, which the kernel also matches).</summary>
public sealed record PolicyId(TrafficSelector Selector, PolicyDirection Direction)
{
    public uint IfId { get; init; }
    public XfrmMark? Mark { get; init; }
}

/// <summary>One XFRM policy (XFRM_MSG_NEWPOLICY / XFRM_MSG_UPDPOLICY).</summary>
public sealed record PolicyRequest(TrafficSelector Selector, PolicyDirection Direction, IReadOnlyList<PolicyTemplate> Templates)
{
    public uint Priority { get; init; }
    public PolicyAction Action { get; init; } = PolicyAction.Allow;

    /// <summary>XFRMA_IF_ID, 0 = none.</summary>
    public uint IfId { get; init; }
    public XfrmMark? Mark { get; init; }
    public SaLifetime Lifetime { get; init; } = SaLifetime.Infinite;

    /// <summary>Policy index to request, 0 = the kernel picks one.</summary>
    public uint Index { get; init; }

    public PolicyId Id => new(Selector, Direction) { IfId = IfId, Mark = Mark };
}
