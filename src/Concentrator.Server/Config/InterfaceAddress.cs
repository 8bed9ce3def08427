using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Concentrator.Server.Config;

/// <summary>
/// An address the gateway puts on a connection's ipsecN (<c>interface-ip</c>, libreswan's <c>interface-ip=</c>): a
/// host address with the prefix length of the link, as <c>ip addr add 192.0.2.1/30 dev ipsec1</c> writes it (the
/// host bits stay: unlike a route's prefix, this names one end of the link).
/// </summary>
public sealed record InterfaceAddress(IPAddress Address, byte PrefixLength)
{
    /// <summary>Parses "ADDRESS/LENGTH" (IPv4 /1../32 or IPv6 /1../128); false with the reason otherwise.</summary>
    public static bool TryParse(string text, out InterfaceAddress? parsed, out string problem)
    {
        parsed = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !byte.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            problem = "an address with the link's prefix length, e.g. \"192.0.2.1/30\"";
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (length is 0 || length > max)
        {
            problem = $"a prefix length of 1..{max} after the address";
            return false;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal)
        {
            problem = "a unicast address (not the unspecified address, not IPv6 link-local: the kernel makes that one)";
            return false;
        }

        parsed = new InterfaceAddress(address, length);
        problem = "";
        return true;
    }

    public override string ToString() => $"{Address}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";
}
