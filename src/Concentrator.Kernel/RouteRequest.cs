using System.Net;

namespace Concentrator.Kernel;

/// <summary>
/// A route to <see cref="Destination"/> out of an interface (RTM_NEWROUTE / RTM_DELROUTE). Scope link
/// unless a gateway is given. Table 254 is "main".
/// </summary>
public sealed record RouteRequest(IPNetwork Destination, int InterfaceIndex)
{
    public const uint MainTable = 254;

    public uint Table { get; init; } = MainTable;

    /// <summary>RTA_PRIORITY, null = none (kernel default 0 for IPv4, 1024 for IPv6).</summary>
    public uint? Metric { get; init; }

    /// <summary>RTA_PREFSRC: source address the host uses for locally generated packets on this route.</summary>
    public IPAddress? PreferredSource { get; init; }

    public IPAddress? Gateway { get; init; }

    /// <summary>rtm_protocol; RTPROT_STATIC (4) is what `ip route add` uses.</summary>
    public byte Protocol { get; init; } = 4;
}

/// <summary>A policy routing rule: packets with <see cref="FwMark"/> look up <see cref="Table"/> (RTM_NEWRULE / RTM_DELRULE).</summary>
public sealed record RuleRequest(uint FwMark, uint Table, uint Priority)
{
    public uint FwMask { get; init; } = uint.MaxValue;
    public System.Net.Sockets.AddressFamily Family { get; init; } = System.Net.Sockets.AddressFamily.InterNetwork;
}

/// <summary>An address on an interface (RTM_NEWADDR / RTM_DELADDR): e.g. 10.0.0.1 with prefix 24.</summary>
public sealed record AddressRequest(IPAddress Address, byte PrefixLength, int InterfaceIndex);
