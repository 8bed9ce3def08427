using System.Net;
using System.Net.Sockets;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// One installed SA in the userspace dataplane: request, keyed transform, sequence numbers, replay window,
/// counters and lifetime state. The outbound counter is advanced by the one thread that encrypts for it;
/// the inbound window by the one thread that receives. Counters are read racily by <see cref="Snapshot"/>,
/// like the kernel's lifetime_cur.
/// </summary>
internal sealed class EspSa : IDisposable
{
    private static readonly int DropKinds = Enum.GetValues<EspDrop>().Length;
    private readonly long[] _drops = new long[DropKinds];
    private readonly ulong _softBytes;
    private readonly ulong _hardBytes;
    private readonly ulong _softPackets;
    private readonly ulong _hardPackets;
    private int _softRaised;
    private int _hardRaised;

    /// <param name="defaultReplayWindow">Window used when the request leaves <see cref="SaRequest.ReplayWindow"/> unset.</param>
    public EspSa(SaRequest request, EspTransform transform, long nowUnixSeconds, uint defaultReplayWindow = UserspaceIpsecOptions.DefaultReplayWindow)
    {
        uint window = ReplayWindowFor(request, defaultReplayWindow);
        Request = request;
        Transform = transform;
        Spi = request.Spi;
        Esn = request.Esn || (request.Flags & SaFlags.Esn) != 0;
        Replay = new ReplayWindow(window, Esn);
        AddTime = nowUnixSeconds;
        // SaLifetime.Infinite is `new()`, i.e. all zeros: a zero byte/packet limit is read as "none", like XFRM_INF.
        var l = request.Lifetime;
        _softBytes = Limit(l.SoftBytes);
        _hardBytes = Limit(l.HardBytes);
        _softPackets = Limit(l.SoftPackets);
        _hardPackets = Limit(l.HardPackets);
        Lifetime = l;
        if (request.Encapsulation is { } encap)
        {
            Peer = new IPEndPoint(request.Destination, encap.DestinationPort);
        }
    }

    public SaRequest Request { get; }

    /// <summary>
    /// The window an SA gets here: the request's own if it set one, else the dataplane default. Larger than
    /// <see cref="ReplayWindow.MaxSize"/> is refused, not silently shrunk: the peer's IKE config asked for it.
    /// </summary>
    public static uint ReplayWindowFor(SaRequest request, uint defaultReplayWindow)
    {
        uint window = request.ReplayWindowIsSet ? request.ReplayWindow : defaultReplayWindow;
        if (window > ReplayWindow.MaxSize)
        {
            throw new KernelException(
                Errnos.EINVAL,
                $"replay window {window} is larger than the userspace dataplane's maximum of {ReplayWindow.MaxSize} packets",
                "add SA");
        }

        return window;
    }

    public EspTransform Transform { get; }

    public uint Spi { get; }

    public uint Reqid => Request.Reqid;

    public uint IfId => Request.IfId;

    public bool Esn { get; }

    public ReplayWindow Replay { get; }

    public SaLifetime Lifetime { get; }

    /// <summary>UDP destination (RFC 3948) when the SA is encapsulated; null = raw ESP.</summary>
    public IPEndPoint? Peer { get; }

    /// <summary>Serialized <see cref="Peer"/> for the socket's family, set by the dataplane, so sends do not allocate.</summary>
    public SocketAddress? PeerAddress { get; set; }

    /// <summary>Serialized outer destination for the raw ESP socket, when the SA is not UDP-encapsulated.</summary>
    public SocketAddress? RawPeerAddress { get; set; }

    /// <summary>Last sequence number sent (the first packet carries 1).</summary>
    public ulong OutboundSequence;

    public ulong Bytes;
    public ulong Packets;
    public long AddTime;
    public long FirstUseTime;
    public long LastUseTime;

    /// <summary>Selectors the decrypted inner packet must match (SA selector and in/fwd policies of the SA's reqid); empty = any.</summary>
    public CompiledSelector[] InboundSelectors { get; set; } = [];

    public bool HardExpired => Volatile.Read(ref _hardRaised) != 0;

    /// <summary>Raised once per threshold: (sa, hard).</summary>
    public Action<EspSa, bool>? Expired { get; set; }

    public long DropCount(EspDrop reason) => Interlocked.Read(ref _drops[(int)reason]);

    public void CountDrop(EspDrop reason) => Interlocked.Increment(ref _drops[(int)reason]);

    /// <summary>
    /// The kernel's xfrm_state_check_expire, per packet: refuse when the hard byte/packet limit is reached,
    /// and after counting raise the soft limit once.
    /// </summary>
    public bool TryUse(int bytes, long nowUnixSeconds)
    {
        if (HardExpired || Bytes >= _hardBytes || Packets >= _hardPackets)
        {
            ExpireHard();
            return false;
        }

        Bytes += (ulong)bytes;
        Packets++;
        if (FirstUseTime == 0)
        {
            FirstUseTime = nowUnixSeconds;
        }

        LastUseTime = nowUnixSeconds;
        if (Bytes >= _softBytes || Packets >= _softPackets)
        {
            RaiseSoft();
        }

        return true;
    }

    /// <summary>Time limits, checked by the dataplane's once-a-second sweep.</summary>
    public void CheckTime(long now)
    {
        var l = Lifetime;
        if ((l.HardAddSeconds != 0 && now - AddTime >= (long)l.HardAddSeconds)
            || (l.HardUseSeconds != 0 && FirstUseTime != 0 && now - FirstUseTime >= (long)l.HardUseSeconds))
        {
            ExpireHard();
        }
        else if ((l.SoftAddSeconds != 0 && now - AddTime >= (long)l.SoftAddSeconds)
            || (l.SoftUseSeconds != 0 && FirstUseTime != 0 && now - FirstUseTime >= (long)l.SoftUseSeconds))
        {
            RaiseSoft();
        }
    }

    public void ExpireHard()
    {
        if (Interlocked.Exchange(ref _hardRaised, 1) == 0)
        {
            Expired?.Invoke(this, true);
        }
    }

    public SaCounters Snapshot() => new(
        Bytes,
        Packets,
        AddTime == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(AddTime),
        LastUseTime == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(LastUseTime));

    public void Dispose() => Transform.Dispose();

    private static ulong Limit(ulong v) => v == 0 ? ulong.MaxValue : v;

    private void RaiseSoft()
    {
        if (Interlocked.Exchange(ref _softRaised, 1) == 0)
        {
            Expired?.Invoke(this, false);
        }
    }
}
