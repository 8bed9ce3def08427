namespace Concentrator.Kernel;

/// <summary>IPsec protocol of an SA or template; the values are the IP protocol numbers the kernel expects.</summary>
public enum IpsecProtocol : byte
{
    Esp = 50,
    Ah = 51,
}

/// <summary>XFRM_MODE_* values.</summary>
public enum IpsecMode : byte
{
    Transport = 0,
    Tunnel = 1,
}

/// <summary>XFRM_POLICY_IN/OUT/FWD values.</summary>
public enum PolicyDirection : byte
{
    In = 0,
    Out = 1,
    Fwd = 2,
}

/// <summary>XFRM_POLICY_ALLOW / XFRM_POLICY_BLOCK.</summary>
public enum PolicyAction : byte
{
    Allow = 0,
    Block = 1,
}

/// <summary>XFRM_STATE_* flags carried in xfrm_usersa_info.flags.</summary>
[Flags]
public enum SaFlags : byte
{
    None = 0,
    NoEcn = 1,
    DecapDscp = 2,
    NoPmtuDiscovery = 4,
    WildcardReceive = 8,
    Icmp = 16,

    /// <summary>Selector may be of another family than the SA (IPv6 in IPv4 and back); libreswan and strongSwan set it for tunnel SAs.</summary>
    AfUnspec = 32,
    Align4 = 64,
    Esn = 128,
}
