using System.Net;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>
/// One CHILD SA pair as the kernel needs it: both SPIs, the algorithms with their keys for each direction
/// (RFC 7296 §2.17: AEAD keys include the salt), the selectors, the outer addresses and whether ESP goes in UDP
/// (RFC 3948, when NAT was detected, RFC 7296 §2.23). "Inbound" is traffic from the peer to us.
/// </summary>
public sealed record ChildSa
{
    public required uint InboundSpi { get; init; }

    public required uint OutboundSpi { get; init; }

    public ProtocolId Protocol { get; init; } = ProtocolId.Esp;

    public required EspAlgorithms Algorithms { get; init; }

    // The keys are for the install only: once the kernel has the states, the IKE SA lets go of them (ReleaseKeys).
    private byte[] _inboundEncryptionKey = [];
    private byte[] _inboundIntegrityKey = [];
    private byte[] _outboundEncryptionKey = [];
    private byte[] _outboundIntegrityKey = [];

    public required byte[] InboundEncryptionKey { get => _inboundEncryptionKey; init => _inboundEncryptionKey = value; }

    public required byte[] InboundIntegrityKey { get => _inboundIntegrityKey; init => _inboundIntegrityKey = value; }

    public required byte[] OutboundEncryptionKey { get => _outboundEncryptionKey; init => _outboundEncryptionKey = value; }

    public required byte[] OutboundIntegrityKey { get => _outboundIntegrityKey; init => _outboundIntegrityKey = value; }

    /// <summary>Whether the keys are still here (until the kernel confirmed the install, <see cref="ReleaseKeys"/>).</summary>
    public bool HasKeys => _inboundEncryptionKey.Length > 0 || _inboundIntegrityKey.Length > 0;

    /// <summary>Drops this object's references to the keys once the kernel holds the states (issue 13: a hundred thousand
    /// CHILD SAs each kept two more key arrays for nothing). Not zeroed: the install request that carried them may still
    /// be read by the kernel's writer.</summary>
    internal void ReleaseKeys()
    {
        _inboundEncryptionKey = [];
        _inboundIntegrityKey = [];
        _outboundEncryptionKey = [];
        _outboundIntegrityKey = [];
    }

    /// <summary>Our side of the traffic (TSr for the responder, TSi for the initiator) as agreed.</summary>
    public required IReadOnlyList<TrafficSelector> LocalSelectors { get; init; }

    /// <summary>The peer's side (for a road warrior with a virtual IP: that address).</summary>
    public required IReadOnlyList<TrafficSelector> RemoteSelectors { get; init; }

    public required IPEndPoint LocalEndpoint { get; init; }

    public required IPEndPoint RemoteEndpoint { get; init; }

    /// <summary>ESP in UDP on port 4500 (RFC 3948) because a NAT is on the path.</summary>
    public required bool UdpEncapsulation { get; init; }

    /// <summary>The IKE SA this CHILD SA belongs to.</summary>
    public required ulong IkeInitiatorSpi { get; init; }

    public required ulong IkeResponderSpi { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set on a CHILD SA made by rekeying (RFC 7296 §1.3.3): the inbound SPI of the one it replaces, which
    /// stays until the rekey's initiator deletes it. Both carry the same traffic, so the kernel keeps one set of
    /// policies for them. (An SPI rather than a reference, so a chain of rekeys keeps no old keys alive.)</summary>
    public uint? ReplacesInboundSpi { get; init; }

    /// <summary>A rekey's: the lower of its exchange's two nonces, and whether we initiated that exchange. When both ends
    /// rekeyed the same CHILD SA at once, RFC 7296 §2.8.1 closes the one created with the lowest of the four nonces,
    /// by the end that created it.</summary>
    public ReadOnlyMemory<byte> RekeyLowestNonce { get; init; }

    /// <summary>The key exchange of the CREATE_CHILD_SA that made this CHILD SA (PFS, RFC 7296 §1.3.3), if it had one.</summary>
    public Crypto.KeyExchangeId? PfsGroup { get; init; }

    /// <summary>We initiated the exchange that made this CHILD SA.</summary>
    public bool CreatedByUs { get; init; }

    public override string ToString() =>
        $"ESP {InboundSpi:x8}_i {OutboundSpi:x8}_o {Algorithms} {string.Join(",", LocalSelectors)} === {string.Join(",", RemoteSelectors)}{(UdpEncapsulation ? " udp-encap" : "")}";
}
