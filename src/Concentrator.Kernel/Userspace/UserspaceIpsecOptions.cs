using System.Net;

namespace Concentrator.Kernel.Userspace;

/// <summary>Settings of <see cref="UserspaceKernelIpsec"/>.</summary>
public sealed record UserspaceIpsecOptions
{
    public const int DefaultMtu = 1400;

    /// <summary>Network namespace (e.g. /var/run/netns/NAME) for the TUN devices, the socket and ip commands; null = ours.</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>UDP endpoint of the shared IKE/ESP socket (RFC 3948); null = no socket (tests of the tables only).</summary>
    public IPEndPoint? UdpEndPoint { get; init; } = new(IPAddress.Any, 4500);

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
    /// Also carry SAs without UDP encapsulation as plain ESP (IP protocol 50) on raw sockets bound to the
    /// address of <see cref="UdpEndPoint"/> (or any), opened alongside the UDP socket. Needs CAP_NET_RAW; when the socket cannot be opened such
    /// SAs count <see cref="EspDrop.NoTransport"/>.
    /// </summary>
    public bool RawEsp { get; init; } = true;

    /// <summary>Receives IKE messages arriving on the shared port (non-ESP marker removed).</summary>
    public Action<ReadOnlyMemory<byte>, EndPoint>? IkeReceived { get; init; }

    /// <summary>Capacity of the event channel; when full, an <see cref="EventsLostEvent"/> is written instead.</summary>
    public int EventCapacity { get; init; } = 65_536;
}
