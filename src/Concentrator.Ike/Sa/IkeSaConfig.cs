using System.Net;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Sa;

/// <summary>
/// What the operator configured for one connection, seen from one side. The same record serves the responder
/// (concentrator) and the initiator (load generator, tests).
/// </summary>
public sealed record IkeSaConfig
{
    /// <summary>IKE proposals in the operator's order of preference (see <see cref="ProposalStrings"/>).</summary>
    public required IReadOnlyList<Proposal> IkeProposals { get; init; }

    /// <summary>ESP proposals for the CHILD SA, in order of preference.</summary>
    public required IReadOnlyList<Proposal> EspProposals { get; init; }

    /// <summary>Our identity (IDi for the initiator, IDr for the responder).</summary>
    public required IkeIdentity LocalIdentity { get; init; }

    /// <summary>Initiator: the IDr to ask for (optional, RFC 7296 §3.5); responder: the identity the peer must
    /// present, or <see cref="IkeIdentity.Any"/>.</summary>
    public IkeIdentity RemoteIdentity { get; init; } = IkeIdentity.Any;

    /// <summary>How we prove our identity.</summary>
    public required IAuthenticator LocalAuthenticator { get; init; }

    /// <summary>How we check the peer's AUTH, by the method it uses.</summary>
    public required IReadOnlyList<IAuthenticator> RemoteAuthenticators { get; init; }

    /// <summary>Responder: the peer may authenticate with EAP (RFC 7296 §2.16, an IKE_AUTH without AUTH); null: not.</summary>
    public EapServerConfig? RemoteEap { get; init; }

    /// <summary>Initiator: authenticate with EAP instead of <see cref="LocalAuthenticator"/>; null: with AUTH.</summary>
    public EapClientConfig? LocalEap { get; init; }

    /// <summary>Our side of the CHILD SA's traffic (e.g. 0.0.0.0/0 or the protected networks): the responder
    /// narrows TSr to it, the initiator proposes it as TSi unless it asks for a virtual IP.</summary>
    public IReadOnlyList<TrafficSelector> LocalTrafficSelectors { get; init; } =
        [TrafficSelector.Any(System.Net.Sockets.AddressFamily.InterNetwork)];

    /// <summary>The peer's side: the responder narrows TSi to it when it assigns no virtual IP, the initiator
    /// proposes it as TSr.</summary>
    public IReadOnlyList<TrafficSelector> RemoteTrafficSelectors { get; init; } =
        [TrafficSelector.Any(System.Net.Sockets.AddressFamily.InterNetwork)];

    /// <summary>Initiator: ask for an IPv4 virtual IP (CFG_REQUEST INTERNAL_IP4_ADDRESS).</summary>
    public bool RequestVirtualIp4 { get; init; }

    /// <summary>Initiator: ask for an IPv6 virtual IP.</summary>
    public bool RequestVirtualIp6 { get; init; }

    /// <summary>Responder: DNS servers handed out when asked for (INTERNAL_IP4_DNS / INTERNAL_IP6_DNS).</summary>
    public IReadOnlyList<IPAddress> DnsServers { get; init; } = [];

    /// <summary>Initiator: send INITIAL_CONTACT in IKE_AUTH (RFC 7296 §2.4).</summary>
    public bool SendInitialContact { get; init; } = true;

    /// <summary>Initiator: announce REDIRECT_SUPPORTED in IKE_SA_INIT (RFC 5685 §3), so a gateway may redirect us.</summary>
    public bool AnnounceRedirectSupport { get; init; }

    /// <summary>Responder: the most CHILD SAs one IKE SA may have (IKE_AUTH's included; a rekey's new SA and the one it
    /// replaces count once); a CREATE_CHILD_SA for one more is refused with NO_ADDITIONAL_SAS (RFC 7296 §1.3).</summary>
    public int MaxChildSas { get; init; } = 4;

    /// <summary>Length of the nonces we send. RFC 7296 §2.10: at least 128 bits and at least half the PRF key.</summary>
    public int NonceLength { get; init; } = 32;

    /// <summary>Largest datagram of a protected message before it is fragmented (RFC 7383 §2.5), when the peer
    /// supports fragmentation; strongSwan's default is 1280.</summary>
    public int FragmentSize { get; init; } = 1280;

    /// <summary>Initiator: the NAT-T port (4500) IKE moves to for IKE_AUTH once IKE_SA_INIT detected a NAT (RFC 7296
    /// §2.23), on both ends; null: the SA stays on its ports (an initiator whose socket layer has no NAT-T port,
    /// e.g. the load generator).</summary>
    public int? InitiatorNatTPort { get; init; }
}
