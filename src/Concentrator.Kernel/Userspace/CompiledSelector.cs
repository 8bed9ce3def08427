namespace Concentrator.Kernel.Userspace;

/// <summary>A <see cref="TrafficSelector"/> turned into masks over 128-bit address keys, checked per packet.</summary>
internal readonly struct CompiledSelector
{
    // Masks are rebuilt from the prefix lengths per match (a shift) instead of stored: 32 bytes less for every
    // installed policy and inbound SA selector (issue 6), for a few instructions next to an AEAD operation.
    private readonly UInt128 _src;
    private readonly UInt128 _dst;
    private readonly byte _srcPrefix;
    private readonly byte _dstPrefix;
    private readonly bool _v6;
    private readonly byte _proto;
    private readonly ushort _sport;
    private readonly ushort _dport;

    public CompiledSelector(TrafficSelector ts)
    {
        _v6 = ts.Family == System.Net.Sockets.AddressFamily.InterNetworkV6;
        _srcPrefix = (byte)IpPacket.KeyPrefixLength(ts.Source);
        _dstPrefix = (byte)IpPacket.KeyPrefixLength(ts.Destination);
        _src = IpPacket.Key(ts.Source.BaseAddress) & Mask(_srcPrefix);
        _dst = IpPacket.Key(ts.Destination.BaseAddress) & Mask(_dstPrefix);
        _proto = ts.Protocol;
        _sport = ts.SourcePort;
        _dport = ts.DestinationPort;
    }

    public int SourcePrefixLength => _srcPrefix;

    public int DestinationPrefixLength => _dstPrefix;

    /// <summary>True when the destination is one host (/32 or /128): such selectors are found by dictionary.</summary>
    public bool IsHostDestination => _dstPrefix == 128;

    public UInt128 DestinationKey => _dst;

    /// <summary>How narrow the selector is beyond its prefixes: 2 with a port, +1 with a protocol (strongSwan's
    /// get_priority counts the same two flags).</summary>
    public int Specificity => (_sport != 0 || _dport != 0 ? 2 : 0) + (_proto != 0 ? 1 : 0);

    public bool Matches(in IpPacketInfo p) =>
        p.IsV6 == _v6
        && (p.Source & Mask(_srcPrefix)) == _src
        && (p.Destination & Mask(_dstPrefix)) == _dst
        && (_proto == 0 || (p.Protocol == _proto
            && (_sport == 0 || p.SourcePort == _sport)
            && (_dport == 0 || p.DestinationPort == _dport)));

    /// <summary>True when both match exactly the same packets (same family, prefixes, addresses, protocol, ports).</summary>
    public bool SameAs(in CompiledSelector o) =>
        _v6 == o._v6 && _srcPrefix == o._srcPrefix && _dstPrefix == o._dstPrefix && _src == o._src && _dst == o._dst
        && _proto == o._proto && _sport == o._sport && _dport == o._dport;

    private static UInt128 Mask(int prefix) => prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
}
