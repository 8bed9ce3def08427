using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Sa;

/// <summary>Everything an IKE SA takes from outside: time, randomness, key pairs, addresses, SPIs and the
/// kernel hook. Tests pass deterministic ones; the actor layer passes the real ones.</summary>
public sealed record IkeSaServices
{
    /// <summary>The clock (SA creation time, cookie secret rotation).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>SPIs, nonces and IVs.</summary>
    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

    /// <summary>Ephemeral key pairs for a group; the default draws the private value from the OS CSPRNG.</summary>
    public Func<KeyExchangeId, IKeyExchange> KeyExchangeFactory { get; init; } = id => TransformRegistry.KeyExchange(id).Create();

    /// <summary>Virtual IPs (responder); null means the connection hands out none.</summary>
    public IAddressAllocator? AddressAllocator { get; init; }

    /// <summary>Responder: the connections a peer may be served under, in the operator's order. IKE_SA_INIT takes the
    /// first whose IKE proposals match, IKE_AUTH the one that fits the peer's identity best
    /// (<see cref="Connections.ConnectionSelection"/>); the chosen one's config, pool and identity gate replace the
    /// SA's. Empty: the SA serves its own config with <see cref="AddressAllocator"/> and <see cref="IdentityGate"/>.</summary>
    public IReadOnlyList<Connections.ConnectionCandidate> Connections { get; init; } = [];

    /// <summary>Uniqueness of peer identities (responder); null means any number of IKE SAs per identity.</summary>
    public IIdentityGate? IdentityGate { get; init; }

    /// <summary>Inbound SPIs of CHILD SAs, drawn and registered in one step by the node's registry so no two live
    /// CHILD SAs share one; without it they are drawn at random from the range RFC 4303 §2.1 leaves free (256 and up).</summary>
    public Func<uint>? ChildSpiAllocator { get; init; }

    /// <summary>Our IKE SPIs (the SA's own and that of an IKE SA that replaces it by rekeying), drawn and registered
    /// in one step by the node's SPI table so none is ever shared; without it they are drawn from
    /// <see cref="Random"/> (tests, the load generator).</summary>
    public Func<ulong>? IkeSpiAllocator { get; init; }

    /// <summary>Called with each new CHILD SA before the message that completes it leaves (responder) or as soon
    /// as it is complete (initiator), so the kernel can install it. Exceptions propagate to the caller.</summary>
    public Action<ChildSa>? InstallChildSa { get; init; }

    /// <summary>Responder: the gateway a client that follows redirects is sent to in IKE_AUTH (RFC 5685 §6), after it
    /// authenticated, instead of getting a CHILD SA; null: served here. The decision is the cluster's, handed in.</summary>
    public System.Net.IPAddress? RedirectInAuth { get; init; }

    /// <summary>Called with each CHILD SA that is deleted (by either side, or with its IKE SA).</summary>
    public Action<ChildSa>? UninstallChildSa { get; init; }

    /// <summary>The node's fetched CRLs and OCSP answers: with it a peer's certificate is checked online (its CRL and
    /// OCSP URIs), fetching what is missing while IKE_AUTH is held; null: CRL files only.</summary>
    public Auth.Certificates.RevocationCache? Revocation { get; init; }

    /// <summary>Responder: the node's peer chains already validated; with it a known client's certificates are not
    /// parsed or run through the chain engine again (validity, revocation, identity and signature still are on every
    /// use). Null: every chain is validated in full.</summary>
    public Auth.Certificates.ValidatedChainCache? ValidatedChains { get; init; }
}
