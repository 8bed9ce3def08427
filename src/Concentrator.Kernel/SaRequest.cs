using System.Net;

namespace Concentrator.Kernel;

/// <summary>Identity of an installed SA: the kernel looks states up by (destination, SPI, protocol), plus mark and if_id.</summary>
public sealed record SaId(IPAddress Source, IPAddress Destination, uint Spi, IpsecProtocol Protocol = IpsecProtocol.Esp)
{
    /// <summary>XFRMA_IF_ID of the state, 0 = none.</summary>
    public uint IfId { get; init; }

    /// <summary>XFRMA_MARK of the state, if it has one.</summary>
    public XfrmMark? Mark { get; init; }
}

/// <summary>
/// One XFRM state to add or update (XFRM_MSG_NEWSA / XFRM_MSG_UPDSA). Either <see cref="Aead"/> or
/// <see cref="Encryption"/> (+ <see cref="Integrity"/>) is set. SPI is in host order.
/// </summary>
public sealed record SaRequest(IPAddress Source, IPAddress Destination, uint Spi, uint Reqid)
{
    public IpsecProtocol Protocol { get; init; } = IpsecProtocol.Esp;
    public IpsecMode Mode { get; init; } = IpsecMode.Tunnel;

    public AeadAlgorithm? Aead { get; init; }
    public CipherAlgorithm? Encryption { get; init; }
    public IntegrityAlgorithm? Integrity { get; init; }
    public UdpEncapsulation? Encapsulation { get; init; }

    /// <summary>XFRMA_IF_ID: the xfrm interface this SA belongs to, 0 = none.</summary>
    public uint IfId { get; init; }

    /// <summary>XFRMA_MARK: inbound/outbound lookup mark, null = none.</summary>
    public XfrmMark? Mark { get; init; }

    /// <summary>
    /// XFRMA_SET_MARK/_MASK: mark put on packets after encryption. Null means "the if_id", as libreswan does
    /// for ipsec-interface (route-based-xfrmi.txt: "the output mark ... is the same as the XFRM interface ID").
    /// Set explicitly to <c>new XfrmMark(0, 0)</c> to suppress it.
    /// </summary>
    public XfrmMark? OutputMark { get; init; }

    /// <summary>
    /// What <see cref="ReplayWindow"/> reads when nobody set it: 32 packets, the XFRM/strongSwan default
    /// (charon.replay_window), which is what the netlink path sends.
    /// </summary>
    public const uint DefaultKernelReplayWindow = 32;

    private readonly uint? _replayWindow;

    /// <summary>
    /// Anti-replay window in packets; 0 disables anti-replay. When not set it reads
    /// <see cref="DefaultKernelReplayWindow"/>; the userspace dataplane then applies its own default instead
    /// (see <see cref="ReplayWindowIsSet"/>).
    /// </summary>
    public uint ReplayWindow
    {
        get => _replayWindow ?? DefaultKernelReplayWindow;
        init => _replayWindow = value;
    }

    /// <summary>False when <see cref="ReplayWindow"/> was left at its default, so an implementation may choose its own.</summary>
    public bool ReplayWindowIsSet => _replayWindow.HasValue;

    /// <summary>Extended sequence numbers (RFC 4303 section 2.2.1); sent as XFRMA_REPLAY_ESN_VAL with XFRM_STATE_ESN.</summary>
    public bool Esn { get; init; }

    public SaLifetime Lifetime { get; init; } = SaLifetime.Infinite;

    /// <summary>Selector of the state; null = any (zeroed selector of the SA's family).</summary>
    public TrafficSelector? Selector { get; init; }

    public SaFlags Flags { get; init; }

    public System.Net.Sockets.AddressFamily Family => Destination.AddressFamily;

    /// <summary>The output mark actually sent: explicit, else the if_id with a full mask, else none.</summary>
    public XfrmMark? EffectiveOutputMark =>
        OutputMark is { } m ? (m.IsSet ? m : null) : IfId != 0 ? new XfrmMark(IfId, uint.MaxValue) : null;

    public SaId Id => new(Source, Destination, Spi, Protocol) { IfId = IfId, Mark = Mark };
}

/// <summary>Byte/packet counters and times of an SA (xfrm_lifetime_cur and XFRMA_LASTUSED).</summary>
public readonly record struct SaCounters(ulong Bytes, ulong Packets, DateTimeOffset? AddTime, DateTimeOffset? LastUsed)
{
    /// <summary>Replay-check failures, integrity failures etc. are not included: they live in xfrm_stats.</summary>
    public static SaCounters FromKernel(ulong bytes, ulong packets, ulong addTime, ulong useTime, ulong? lastUsed)
    {
        static DateTimeOffset? T(ulong s) => s == 0 ? null : DateTimeOffset.FromUnixTimeSeconds((long)s);
        return new SaCounters(bytes, packets, T(addTime), lastUsed is { } l ? T(l) : T(useTime));
    }
}
