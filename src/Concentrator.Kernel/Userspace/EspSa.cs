using System.Net;

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
    private const int SoftRaised = 1;
    private const int HardRaised = 2;

    // Lifetime limits, shared by every SA that has none (the common case: IKE rekeys by time).
    private readonly Limits _limits;
    private readonly ushort _window; // at most UserspaceIpsecOptions.MaxReplayWindow (4096)

    // Per-SA drop counters by reason, allocated on the first drop: most SAs never drop a packet, and a
    // concentrator holds tens of thousands of SAs (issue 6: managed bytes per SA).
    private long[]? _drops;

    // Only the inbound half of a CHILD SA checks replays: made on first use (or by PrepareInbound at install),
    // so outbound SAs carry no window.
    private ReplayWindow? _replay;

    // The SA's link in the one chain it belongs to: an outbound SA in the SA table's chain of its (reqid,
    // destination), an inbound SA in the control plane's chain of its reqid (see OlderOutbound, NextOfReqid).
    private EspSa? _next;
    private int _raised;

    // One destination field for both transports (an SA is either UDP-encapsulated or raw, never both): with a
    // UDP socket it is that socket's peer, without one the raw socket's.
    private SocketAddress? _destination;
    private UdpEncapsulationSocket? _udp;

    /// <param name="defaultReplayWindow">Window used when the request leaves <see cref="SaRequest.ReplayWindow"/> unset.</param>
    /// <remarks>The request is not kept (issue 13: it and its key material were ≈ 290 bytes per SA): only the fields
    /// the dataplane reads are copied, the addresses and selector by reference.</remarks>
    public EspSa(SaRequest request, EspTransform transform, long nowUnixSeconds, uint defaultReplayWindow = UserspaceIpsecOptions.DefaultReplayWindow)
    {
        _window = (ushort)ReplayWindowFor(request, defaultReplayWindow);
        Transform = transform;
        Spi = request.Spi;
        Reqid = request.Reqid;
        IfId = request.IfId;
        Source = request.Source;
        Destination = request.Destination;
        Protocol = request.Protocol;
        Mark = request.Mark;
        Selector = request.Selector;
        Esn = request.Esn || (request.Flags & SaFlags.Esn) != 0;
        AddTime = nowUnixSeconds;
        // SaLifetime.Infinite is `new()`, i.e. all zeros: a zero byte/packet limit is read as "none", like XFRM_INF.
        _limits = Limits.Of(request.Lifetime);
    }

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

    public uint Reqid { get; }

    public uint IfId { get; }

    /// <summary>Outer source address (the request's object, shared with the control plane's).</summary>
    public IPAddress Source { get; }

    /// <summary>Outer destination address: with the reqid, it names an outbound SA.</summary>
    public IPAddress Destination { get; }

    public IpsecProtocol Protocol { get; }

    public XfrmMark? Mark { get; }

    /// <summary>The state's own selector (null = any): what decrypted packets must match when no in/fwd policy names the reqid.</summary>
    public TrafficSelector? Selector { get; }

    /// <summary>The kernel's identity of this SA, made when asked (expiry events, flushes), not kept.</summary>
    public SaId Id => new(Source, Destination, Spi, Protocol) { IfId = IfId, Mark = Mark };

    public bool Esn { get; }

    /// <summary>The inbound anti-replay window, made on first use (one receive thread per SA; racing makers agree on one).</summary>
    public ReplayWindow Replay => Volatile.Read(ref _replay) ?? CreateReplay();

    /// <summary>The SA's lifetime limits (one shared object for every SA without limits).</summary>
    public SaLifetime Lifetime => _limits.Lifetime;

    /// <summary>Serialized UDP destination (RFC 3948) of an encapsulated outbound SA, set at install with
    /// <see cref="SendVia"/> so sends do not allocate.</summary>
    public SocketAddress? PeerAddress => _udp is null ? null : _destination;

    /// <summary>The NAT-T socket an encapsulated outbound SA sends from: the one bound to the SA's source address.</summary>
    public UdpEncapsulationSocket? UdpSocket => _udp;

    /// <summary>Serialized outer destination for the raw ESP socket, when the SA is not UDP-encapsulated.</summary>
    public SocketAddress? RawPeerAddress
    {
        get => _udp is null ? _destination : null;
        set => (_destination, _udp) = (value, null);
    }

    /// <summary>Makes this outbound SA send ESP-in-UDP from <paramref name="socket"/> to <paramref name="peer"/>.</summary>
    public void SendVia(UdpEncapsulationSocket socket, IPEndPoint peer) => (_destination, _udp) = (socket.Serialize(peer), socket);

    /// <summary>Last sequence number sent (the first packet carries 1).</summary>
    public ulong OutboundSequence;

    public ulong Bytes;
    public ulong Packets;
    public long AddTime;
    public long FirstUseTime;
    public long LastUseTime;

    /// <summary>Selectors the decrypted inner packet must match (SA selector and in/fwd policies of the SA's reqid); empty = any.</summary>
    public CompiledSelector[] InboundSelectors { get; set; } = [];

    /// <summary>The SA installed before this one for the same (reqid, destination), outbound (the SA table's chain, changed under its lock).</summary>
    public EspSa? OlderOutbound
    {
        get => _next;
        set => _next = value;
    }

    /// <summary>The next inbound SA of the same reqid (the control plane's per-reqid chain, changed under its lock).</summary>
    public EspSa? NextOfReqid
    {
        get => _next;
        set => _next = value;
    }

    public bool HardExpired => (Volatile.Read(ref _raised) & HardRaised) != 0;

    /// <summary>Raised once per threshold: (sa, hard).</summary>
    public Action<EspSa, bool>? Expired { get; set; }

    /// <summary>Set when the SA is installed as inbound: makes the replay window now rather than on the first packet.</summary>
    public void PrepareInbound() => _ = Replay;

    public long DropCount(EspDrop reason) => Volatile.Read(ref _drops) is { } d ? Interlocked.Read(ref d[(int)reason]) : 0;

    public void CountDrop(EspDrop reason)
    {
        var d = Volatile.Read(ref _drops);
        if (d is null)
        {
            Interlocked.CompareExchange(ref _drops, new long[DropKinds], null);
            d = _drops!;
        }

        Interlocked.Increment(ref d[(int)reason]);
    }

    /// <summary>
    /// The kernel's xfrm_state_check_expire, per packet: refuse when the hard byte/packet limit is reached,
    /// and after counting raise the soft limit once.
    /// </summary>
    public bool TryUse(int bytes, long nowUnixSeconds)
    {
        var limits = _limits;
        if (HardExpired || Bytes >= limits.HardBytes || Packets >= limits.HardPackets)
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
        if (Bytes >= limits.SoftBytes || Packets >= limits.SoftPackets)
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
        if ((Interlocked.Or(ref _raised, HardRaised) & HardRaised) == 0)
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

    private ReplayWindow CreateReplay()
    {
        Interlocked.CompareExchange(ref _replay, new ReplayWindow(_window, Esn), null);
        return _replay!;
    }

    private void RaiseSoft()
    {
        if ((Interlocked.Or(ref _raised, SoftRaised) & SoftRaised) == 0)
        {
            Expired?.Invoke(this, false);
        }
    }

    /// <summary>
    /// Lifetime limits of an SA, the byte and packet ones with a zero read as "none", like XFRM_INF. One object per
    /// distinct lifetime: the SAs of a connection all carry the connection's (112 bytes per SA otherwise, issue 13).
    /// </summary>
    private sealed class Limits(in SaLifetime lifetime)
    {
        // A concentrator has a few connections, hence a few lifetimes; past this many (per-SA jitter, say) each SA
        // gets its own object instead of the table growing.
        private const int MaxShared = 256;
        private static readonly Limits None = new(SaLifetime.Infinite);
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<SaLifetime, Limits> Shared = new();

        public SaLifetime Lifetime { get; } = lifetime;

        public ulong SoftBytes { get; } = Limit(lifetime.SoftBytes);

        public ulong HardBytes { get; } = Limit(lifetime.HardBytes);

        public ulong SoftPackets { get; } = Limit(lifetime.SoftPackets);

        public ulong HardPackets { get; } = Limit(lifetime.HardPackets);

        public static Limits Of(in SaLifetime l) =>
            (Limit(l.SoftBytes) & Limit(l.HardBytes) & Limit(l.SoftPackets) & Limit(l.HardPackets)) == ulong.MaxValue
            && (l.SoftAddSeconds | l.HardAddSeconds | l.SoftUseSeconds | l.HardUseSeconds) == 0
                ? None
                : Shared.TryGetValue(l, out var shared) ? shared
                : Shared.Count < MaxShared ? Shared.GetOrAdd(l, static x => new Limits(x))
                : new Limits(l);

        private static ulong Limit(ulong v) => v == 0 ? ulong.MaxValue : v;
    }
}
