using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>Traffic selector arithmetic for narrowing (RFC 7296 §2.9).</summary>
public static class TrafficSelectors
{
    /// <summary>One address, every protocol and port: the selector of a virtual IP.</summary>
    public static TrafficSelector Host(IPAddress address) => new(0, 0, 65535, address, address);

    /// <summary>A CIDR prefix, every protocol and port.</summary>
    public static TrafficSelector Subnet(IPAddress network, int prefixLength)
    {
        byte[] start = network.GetAddressBytes();
        byte[] end = (byte[])start.Clone();
        for (int bit = prefixLength; bit < start.Length * 8; bit++)
        {
            start[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            end[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return new TrafficSelector(0, 0, 65535, new IPAddress(start), new IPAddress(end));
    }

    /// <summary>The selector covering what both cover, or null when they do not overlap (other families, other
    /// protocols, disjoint ranges). Protocol 0 means any protocol (RFC 7296 §3.13.1).</summary>
    public static TrafficSelector? Intersect(TrafficSelector a, TrafficSelector b)
    {
        if (!a.IsAddressRange || a.Type != b.Type)
        {
            return null;
        }

        byte protocol;
        if (a.IpProtocol == b.IpProtocol || b.IpProtocol == 0)
        {
            protocol = a.IpProtocol;
        }
        else if (a.IpProtocol == 0)
        {
            protocol = b.IpProtocol;
        }
        else
        {
            return null;
        }

        ushort startPort = Math.Max(a.StartPort, b.StartPort);
        ushort endPort = Math.Min(a.EndPort, b.EndPort);
        ReadOnlySpan<byte> start = Max(a.StartAddress.Span, b.StartAddress.Span);
        ReadOnlySpan<byte> end = Min(a.EndAddress.Span, b.EndAddress.Span);
        if (startPort > endPort || start.SequenceCompareTo(end) > 0)
        {
            return null;
        }

        return new TrafficSelector(protocol, startPort, endPort, new IPAddress(start), new IPAddress(end));
    }

    /// <summary>
    /// Narrowing: every non-empty intersection of a requested selector with an allowed one, without duplicates.
    /// RFC 7296 §2.9: the responder may answer with a subset of what was proposed; an empty result is
    /// TS_UNACCEPTABLE.
    /// </summary>
    public static List<TrafficSelector> Narrow(IEnumerable<TrafficSelector> requested, IEnumerable<TrafficSelector> allowed)
    {
        var result = new List<TrafficSelector>();
        foreach (TrafficSelector r in requested)
        {
            foreach (TrafficSelector a in allowed)
            {
                if (Intersect(r, a) is { } x && !result.Exists(y => SameRange(x, y)))
                {
                    result.Add(x);
                }
            }
        }

        return result;
    }

    /// <summary>Whether <paramref name="inner"/> lies within one of <paramref name="outer"/>.</summary>
    public static bool IsCoveredBy(TrafficSelector inner, IEnumerable<TrafficSelector> outer) =>
        outer.Any(o => Intersect(inner, o) is { } x && SameRange(x, inner));

    public static bool SameRange(TrafficSelector a, TrafficSelector b) =>
        a.Type == b.Type && a.IpProtocol == b.IpProtocol && a.StartPort == b.StartPort && a.EndPort == b.EndPort
        && a.StartAddress.Span.SequenceEqual(b.StartAddress.Span) && a.EndAddress.Span.SequenceEqual(b.EndAddress.Span);

    /// <summary>The address family of a range selector.</summary>
    public static AddressFamily Family(TrafficSelector ts) =>
        ts.Type == TrafficSelectorType.Ipv6AddressRange ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    private static ReadOnlySpan<byte> Max(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b) >= 0 ? a : b;

    private static ReadOnlySpan<byte> Min(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b) <= 0 ? a : b;
}
