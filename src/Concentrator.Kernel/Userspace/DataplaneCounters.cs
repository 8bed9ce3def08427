namespace Concentrator.Kernel.Userspace;

/// <summary>Dataplane-wide drop counters by reason (the userspace /proc/net/xfrm_stat), plus packet totals.</summary>
public sealed class DataplaneCounters
{
    private static readonly int Kinds = Enum.GetValues<EspDrop>().Length;
    private readonly long[] _drops = new long[Kinds];
    private long _inPackets;
    private long _outPackets;
    private long _ikePackets;
    private long _keepalives;

    public long InboundPackets => Interlocked.Read(ref _inPackets);

    public long OutboundPackets => Interlocked.Read(ref _outPackets);

    /// <summary>Non-ESP-marker datagrams handed to the IKE callback.</summary>
    public long IkePackets => Interlocked.Read(ref _ikePackets);

    /// <summary>NAT-keepalive datagrams (a single 0xFF), ignored (RFC 3948 section 2.3).</summary>
    public long Keepalives => Interlocked.Read(ref _keepalives);

    public long this[EspDrop reason] => Interlocked.Read(ref _drops[(int)reason]);

    public long TotalDrops
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _drops.Length; i++)
            {
                sum += Interlocked.Read(ref _drops[i]);
            }

            return sum;
        }
    }

    public void Drop(EspDrop reason) => Interlocked.Increment(ref _drops[(int)reason]);

    internal void Inbound() => Interlocked.Increment(ref _inPackets);

    internal void Outbound() => Interlocked.Increment(ref _outPackets);

    internal void Ike() => Interlocked.Increment(ref _ikePackets);

    internal void Keepalive() => Interlocked.Increment(ref _keepalives);

    public override string ToString() =>
        $"in {InboundPackets} out {OutboundPackets} ike {IkePackets} keepalive {Keepalives} drops: "
        + string.Join(", ", Enum.GetValues<EspDrop>().Where(d => this[d] != 0).Select(d => $"{d} {this[d]}"));
}
