using System.Net;

namespace Concentrator.Kernel;

/// <summary>
/// The kernel's xfrm_selector in our terms: source and destination prefixes, an upper-layer protocol
/// (0 = any) and ports (0 = any). For ICMP the kernel reads the type from the source port and the code
/// from the destination port, as IKEv2 traffic selectors do (RFC 7296 section 3.13.1).
/// </summary>
public sealed record TrafficSelector(
    IPNetwork Source,
    IPNetwork Destination,
    byte Protocol = 0,
    ushort SourcePort = 0,
    ushort DestinationPort = 0)
{
    /// <summary>Interface index the selector is bound to (xfrm_selector.ifindex), 0 = any.</summary>
    public int InterfaceIndex { get; init; }

    public System.Net.Sockets.AddressFamily Family => Source.BaseAddress.AddressFamily;

    /// <summary>Selector covering everything of <paramref name="family"/> (0.0.0.0/0 or ::/0 both ways).</summary>
    public static TrafficSelector Any(System.Net.Sockets.AddressFamily family)
    {
        var zero = family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        return new TrafficSelector(new IPNetwork(zero, 0), new IPNetwork(zero, 0));
    }

    /// <summary>Host-to-host selector (/32 or /128 both sides), what a road-warrior CHILD SA with a virtual IP looks like.</summary>
    public static TrafficSelector Between(IPNetwork source, IPNetwork destination) => new(source, destination);
}
