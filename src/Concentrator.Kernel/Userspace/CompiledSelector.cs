namespace Concentrator.Kernel.Userspace;

/// <summary>A <see cref="TrafficSelector"/> turned into masks over 128-bit address keys, checked per packet.</summary>
internal readonly struct CompiledSelector
{
    private readonly UInt128 _src;
    private readonly UInt128 _srcMask;
    private readonly UInt128 _dst;
    private readonly UInt128 _dstMask;
    private readonly bool _v6;
    private readonly byte _proto;
    private readonly ushort _sport;
    private readonly ushort _dport;

    public CompiledSelector(TrafficSelector ts)
    {
        _v6 = ts.Family == System.Net.Sockets.AddressFamily.InterNetworkV6;
        SourcePrefixLength = IpPacket.KeyPrefixLength(ts.Source);
        DestinationPrefixLength = IpPacket.KeyPrefixLength(ts.Destination);
        _srcMask = Mask(SourcePrefixLength);
        _dstMask = Mask(DestinationPrefixLength);
        _src = IpPacket.Key(ts.Source.BaseAddress) & _srcMask;
        _dst = IpPacket.Key(ts.Destination.BaseAddress) & _dstMask;
        _proto = ts.Protocol;
        _sport = ts.SourcePort;
        _dport = ts.DestinationPort;
    }

    public int SourcePrefixLength { get; }

    public int DestinationPrefixLength { get; }

    /// <summary>True when the destination is one host (/32 or /128): such selectors are found by dictionary.</summary>
    public bool IsHostDestination => DestinationPrefixLength == 128;

    public UInt128 DestinationKey => _dst;

    public bool Matches(in IpPacketInfo p) =>
        p.IsV6 == _v6
        && (p.Source & _srcMask) == _src
        && (p.Destination & _dstMask) == _dst
        && (_proto == 0 || (p.Protocol == _proto
            && (_sport == 0 || p.SourcePort == _sport)
            && (_dport == 0 || p.DestinationPort == _dport)));

    private static UInt128 Mask(int prefix) => prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
}
