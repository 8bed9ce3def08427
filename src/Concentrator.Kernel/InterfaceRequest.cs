namespace Concentrator.Kernel;

/// <summary>
/// An xfrm interface to create (RTM_NEWLINK, kind "xfrm"): name ipsecN, IFLA_XFRM_LINK = underlying
/// device, IFLA_XFRM_IF_ID = the if_id states and policies carry.
/// </summary>
public sealed record InterfaceRequest(string Name, uint IfId, int UnderlyingInterfaceIndex)
{
    public uint? Mtu { get; init; }
    public bool Up { get; init; } = true;

    public static InterfaceRequest For(IpsecInterfaceSetting setting, int underlyingInterfaceIndex) =>
        setting.IsEnabled
            ? new InterfaceRequest(setting.InterfaceName!, setting.IfId, underlyingInterfaceIndex)
            : throw new InvalidOperationException("ipsec-interface=no has no interface to create");
}

/// <summary>One link from an RTM_GETLINK dump.</summary>
public sealed record InterfaceInfo(int Index, string Name)
{
    /// <summary>IFLA_INFO_KIND, e.g. "xfrm"; null for devices without link info.</summary>
    public string? Kind { get; init; }

    /// <summary>IFLA_XFRM_IF_ID for kind xfrm.</summary>
    public uint? IfId { get; init; }

    /// <summary>IFLA_XFRM_LINK (kind xfrm) or IFLA_LINK.</summary>
    public int? LinkIndex { get; init; }

    public uint Mtu { get; init; }
    public bool Up { get; init; }
}
