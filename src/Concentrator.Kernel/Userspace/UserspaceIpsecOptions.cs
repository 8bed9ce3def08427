using System.Net;

namespace Concentrator.Kernel.Userspace;

/// <summary>Settings of <see cref="UserspaceKernelIpsec"/>.</summary>
public sealed record UserspaceIpsecOptions
{
    public const int DefaultMtu = 1400;

    /// <summary>Network namespace (e.g. /var/run/netns/NAME) for the TUN devices, the socket and ip commands; null = ours.</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>
    /// UDP endpoints of the shared IKE/ESP sockets (RFC 3948), one socket each: what the listen list says, one
    /// address per socket so answers leave from the address the peer talks to (RFC 7296 section 2.11); empty = no
    /// socket (tests of the tables only).
    /// </summary>
    public IReadOnlyList<IPEndPoint> UdpEndPoints { get; init; } = [new(IPAddress.Any, 4500)];

    /// <summary>Shorthand for a single <see cref="UdpEndPoints"/> entry (null = none); reads the first one.</summary>
    public IPEndPoint? UdpEndPoint
    {
        get => UdpEndPoints.Count > 0 ? UdpEndPoints[0] : null;
        init => UdpEndPoints = value is null ? [] : [value];
    }

    /// <summary>MTU of the ipsecN TUN devices when the interface request names none.</summary>
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>Anti-replay window of SAs whose request leaves <see cref="SaRequest.ReplayWindow"/> unset.</summary>
    public const uint DefaultReplayWindow = 128;

    /// <summary>
    /// Anti-replay window (packets) for inbound SAs that do not set their own; at most
    /// <see cref="MaxReplayWindow"/>. Wider than the kernel's 32 because one process decrypts for many peers
    /// and reorders more than a NIC queue does.
    /// </summary>
    public uint ReplayWindow { get; init; } = DefaultReplayWindow;

    /// <summary>The largest window this dataplane keeps (a 4096-bit bitmap per SA, Linux's XFRMA_REPLAY_ESN_VAL limit too).</summary>
    public const uint MaxReplayWindow = 4096;

    /// <summary>
    /// Addresses of this host that SAs may have as destination: such SAs are inbound. SAs whose SPI came from
    /// <see cref="UserspaceKernelIpsec.AllocateSpiAsync"/> and the socket's own bound address count too.
    /// </summary>
    public IReadOnlyCollection<IPAddress> LocalAddresses { get; init; } = [];

    /// <summary>
    /// Also carry SAs without UDP encapsulation as plain ESP (IP protocol 50) on raw sockets, one per family of
    /// <see cref="UdpEndPoints"/>: bound to that family's address when it has exactly one, else to any. Needs
    /// CAP_NET_RAW; when the socket cannot be opened such SAs count <see cref="EspDrop.NoTransport"/>.
    /// </summary>
    public bool RawEsp { get; init; } = true;

    /// <summary>Receives IKE messages arriving on the shared port (non-ESP marker removed), on the receive thread of
    /// the socket bound to <c>local</c>.</summary>
    public IkeOverUdpReceived? IkeReceived { get; init; }

    /// <summary>Capacity of the event channel; when full, an <see cref="EventsLostEvent"/> is written instead.</summary>
    public int EventCapacity { get; init; } = 65_536;
}

/// <summary>An IKE message (non-ESP marker removed; copy to keep) from <paramref name="remote"/> that arrived on the
/// NAT-T socket bound to <paramref name="local"/>.</summary>
public delegate void IkeOverUdpReceived(ReadOnlyMemory<byte> message, IPEndPoint remote, IPEndPoint local);
