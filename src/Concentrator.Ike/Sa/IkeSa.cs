using System.Net;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>
/// The state of one IKE SA (RFC 7296): SPIs, role, keys, Message IDs, the negotiated proposal, the peer's
/// identity and the CHILD SAs. Pure: no sockets, timers or threads; one caller at a time (its actor).
/// Entry points: <see cref="Initiate"/> (IkeSa.Initiator.cs) and <see cref="Process"/> (IkeSa.Responder.cs);
/// Message IDs, SK protection and fragments in IkeSa.Wire.cs.
/// </summary>
public sealed partial class IkeSa : IDisposable
{
    private readonly List<ChildSa> _childSas = [];

    private IkeSa(bool isInitiator, IkeSaConfig config, IkeSaServices services, IPEndPoint local, IPEndPoint remote, ulong? spi = null,
        IIkeSpiSource? spis = null)
    {
        SpiSource = spis;
        IsInitiator = isInitiator;
        IsSetupResponder = !isInitiator;
        Config = config;
        Services = services;
        LocalEndpoint = local;
        RemoteEndpoint = remote;
        CreatedAt = services.Time.GetUtcNow();
        Tasks = new TaskManager(this);
        // A rekey's new SA brings the SPI its exchange drew; drawing another here would only hold a table entry.
        ulong own = spi ?? NewSpi();
        LeaseOwner = own;
        if (isInitiator)
        {
            InitiatorSpi = own;
        }
        else
        {
            ResponderSpi = own;
        }
    }

    /// <summary>An SA that answers the IKE_SA_INIT request it will be given first (its SPIr is drawn now).</summary>
    /// <param name="spis">Where its own SPIs are drawn; null: <see cref="IkeSaServices.IkeSpiAllocator"/>, else at random.</param>
    public static IkeSa CreateResponder(IkeSaConfig config, IkeSaServices services, IPEndPoint local, IPEndPoint remote, IIkeSpiSource? spis = null) =>
        new(false, config, services, local, remote, spis: spis);

    /// <summary>An SA that starts with <see cref="Initiate"/> (its SPIi is drawn now).</summary>
    /// <param name="spis">Where its own SPIs are drawn; null: <see cref="IkeSaServices.IkeSpiAllocator"/>, else at random.</param>
    public static IkeSa CreateInitiator(IkeSaConfig config, IkeSaServices services, IPEndPoint local, IPEndPoint remote, IIkeSpiSource? spis = null) =>
        new(true, config, services, local, remote, spis: spis);

    /// <summary>The original initiator of this SA (RFC 7296 §2.2: after a rekey, whoever initiated the rekey): the
    /// I flag of our requests.</summary>
    public bool IsInitiator { get; }

    /// <summary>We answered the IKE_SA_INIT and IKE_AUTH that set up this SA, or the SA it replaced by rekeying: the
    /// peer's virtual IPs and its identity's claim are ours to give back, whoever initiated the latest rekey.</summary>
    public bool IsSetupResponder { get; private init; }

    /// <summary>Our SPI of this SA (SPIi when we are its original initiator, else SPIr): what the peer's datagrams
    /// are routed by.</summary>
    public ulong LocalSpi => IsInitiator ? InitiatorSpi : ResponderSpi;

    /// <summary>The connection's settings; a responder with several candidates switches them when it chooses one
    /// (<see cref="UseConnection"/>).</summary>
    public IkeSaConfig Config { get; private set; }

    public IkeSaServices Services { get; private set; }

    /// <summary>Responder: the connection chosen from <see cref="IkeSaServices.Connections"/> (provisionally at
    /// IKE_SA_INIT, for good at IKE_AUTH); null when the SA was given no candidates.</summary>
    public Connections.ConnectionCandidate? Connection { get; private set; }

    /// <summary>Serve the peer under <paramref name="connection"/>: its settings, its pool and its identity gate.</summary>
    internal void UseConnection(Connections.ConnectionCandidate connection)
    {
        Connection = connection;
        Config = connection.Config;
        // One copy per connection and services record, shared by the SAs that choose it (issue 13), not one per SA.
        Services = connection.ServicesFor(Services);
    }

    public IkeSaState State { get; internal set; }

    /// <summary>A responder SA past IKE_SA_INIT but not yet authenticated: what the caller counts to decide when
    /// to demand cookies (RFC 7296 §2.6).</summary>
    public bool IsHalfOpen => !IsInitiator && State == IkeSaState.Connecting;

    public DateTimeOffset CreatedAt { get; }

    public ulong InitiatorSpi { get; internal set; }

    public ulong ResponderSpi { get; internal set; }

    public IPEndPoint LocalEndpoint { get; internal set; }

    public IPEndPoint RemoteEndpoint { get; internal set; }

    /// <summary>The chosen IKE proposal and its algorithms (after IKE_SA_INIT).</summary>
    public Proposal? IkeProposal { get; internal set; }

    public IkeAlgorithms? Algorithms { get; internal set; }

    public IkeKeymat? Keymat { get; internal set; }

    internal SkCipherPair? Ciphers { get; set; }

    public ReadOnlyMemory<byte> NonceI { get; internal set; }

    public ReadOnlyMemory<byte> NonceR { get; internal set; }

    /// <summary>The IKE_SA_INIT request and response as they went on the wire (RFC 7296 §2.15 signs them).</summary>
    internal byte[] InitRequest { get; set; } = [];

    internal byte[] InitResponse { get; set; } = [];

    /// <summary>The IKE_SA_INIT messages only matter for the AUTH payloads (RFC 7296 §2.15); once the SA is up they
    /// are dropped rather than kept for the SA's life, and so are that exchange's nonces: they sign the AUTH payloads
    /// (§2.15) and key the CHILD SA made in IKE_AUTH (§2.17), both done by then, while every later exchange brings its
    /// own (a CHILD SA or IKE SA rekey keys from its CREATE_CHILD_SA nonces, §2.17 and §2.18, and a simultaneous rekey
    /// compares those, §2.8.1). An SA made by a rekey has no IKE_SA_INIT messages and keeps its nonces.</summary>
    internal void ReleaseInitMessages()
    {
        if (InitRequest.Length == 0 && InitResponse.Length == 0)
        {
            return;
        }

        InitRequest = [];
        InitResponse = [];
        NonceI = default;
        NonceR = default;
    }

    /// <summary>RFC 7296 §2.23: the peer is behind a NAT (its source address differs from what it saw).</summary>
    public bool RemoteBehindNat { get; internal set; }

    /// <summary>RFC 7296 §2.23: we are behind a NAT.</summary>
    public bool LocalBehindNat { get; internal set; }

    /// <summary>ESP goes in UDP and IKE moves to port 4500 (RFC 7296 §2.23).</summary>
    public bool NatDetected => RemoteBehindNat || LocalBehindNat;

    /// <summary>RFC 7383 §2.3: the peer sent IKEV2_FRAGMENTATION_SUPPORTED.</summary>
    public bool PeerSupportsFragmentation { get; internal set; }

    /// <summary>RFC 7427 §4: the hash algorithms of SIGNATURE_HASH_ALGORITHMS from the peer.</summary>
    public IReadOnlyList<ushort> PeerSignatureHashes { get; internal set; } = [];

    /// <summary>RFC 7296 §3.7: the SHA-1 key hashes of the CAs the peer's CERTREQ payloads named.</summary>
    internal IReadOnlyList<ReadOnlyMemory<byte>> PeerCaHashes { get; set; } = [];

    /// <summary>The authenticated identity of the peer (after IKE_AUTH).</summary>
    public IkeIdentity? RemoteIdentity { get; internal set; }

    /// <summary>RFC 7296 §2.4: the peer sent INITIAL_CONTACT, so other IKE SAs of this identity are stale.</summary>
    public bool InitialContactReceived { get; internal set; }

    /// <summary>Virtual IPs: assigned to the peer (responder) or received (initiator).</summary>
    public List<IPAddress> VirtualIps { get; } = [];

    /// <summary>Initiator: the DNS servers the responder handed out.</summary>
    public List<IPAddress> DnsServers { get; } = [];

    /// <summary>Why the CHILD SA of IKE_AUTH was not created (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE,
    /// INTERNAL_ADDRESS_FAILURE), while the IKE SA stays up (RFC 7296 §1.2).</summary>
    public NotifyType? ChildFailureNotify { get; internal set; }

    /// <summary>The IKE_AUTH CFG_REQUEST could not be served (INTERNAL_ADDRESS_FAILURE): no CHILD SA then.</summary>
    internal bool ConfigFailed { get; set; }

    /// <summary>The Notify that ended setup (AUTHENTICATION_FAILED, NO_PROPOSAL_CHOSEN, …), if any.</summary>
    public NotifyType? FailureNotify { get; internal set; }

    /// <summary>Why IKE_AUTH failed (set with <see cref="FailureNotify"/> AUTHENTICATION_FAILED), for the log.</summary>
    public AuthFailure? AuthFailure { get; internal set; }

    /// <summary>The failure explained in a line for the log (identities escaped, never a secret).</summary>
    public string? FailureReason { get; internal set; }

    public IReadOnlyList<ChildSa> ChildSas => _childSas;

    internal TaskManager Tasks { get; }

    /// <summary>Where this SA's own SPIs (and its rekeyed successors') are drawn, if not by the services.</summary>
    internal IIkeSpiSource? SpiSource { get; init; }

    /// <summary>The session driving this SA, told of each CHILD SA added and removed.</summary>
    internal IChildSaListener? ChildListener { get; set; }

    internal ulong NewSpi()
    {
        if (SpiSource is { } source)
        {
            return source.Allocate();
        }

        if (Services.IkeSpiAllocator is { } allocator)
        {
            return allocator();
        }

        Span<byte> spi = stackalloc byte[8];
        ulong value = 0;
        while (value == 0)
        {
            // RFC 7296 §2.6: an SPI of zero means "not known yet", so it is never chosen.
            Services.Random.Fill(spi);
            value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(spi);
        }

        return value;
    }

    internal byte[] NewNonce()
    {
        var nonce = new byte[Math.Clamp(Config.NonceLength, IkeConstants.MinNonceLength, IkeConstants.MaxNonceLength)];
        Services.Random.Fill(nonce);
        return nonce;
    }

    internal uint NewChildSpi()
    {
        if (Services.ChildSpiAllocator is { } allocator)
        {
            return allocator();
        }

        Span<byte> spi = stackalloc byte[4];
        uint value = 0;
        while (value < 256)
        {
            // RFC 4303 §2.1: SPIs 1-255 are reserved by IANA and 0 is never sent.
            Services.Random.Fill(spi);
            value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(spi);
        }

        return value;
    }

    internal void AddChildSa(ChildSa child)
    {
        Services.InstallChildSa?.Invoke(child);
        ChildListener?.ChildSaAdded(child);
        _childSas.Add(child);
    }

    internal void RemoveChildSa(ChildSa child)
    {
        if (_childSas.Remove(child))
        {
            Services.UninstallChildSa?.Invoke(child);
            ChildListener?.ChildSaRemoved(child);
        }
    }

    internal void RemoveAllChildSas()
    {
        foreach (ChildSa child in _childSas.ToArray())
        {
            RemoveChildSa(child);
        }
    }

    internal void Fail(NotifyType? notify)
    {
        FailureNotify ??= notify;
        State = IkeSaState.Failed;
    }

    /// <summary>Gives virtual IPs and the peer's identity back and zeroes the keys.</summary>
    public void Dispose()
    {
        if (IsSetupResponder && Services.AddressAllocator is { } allocator)
        {
            foreach (IPAddress address in VirtualIps)
            {
                allocator.Release(address, LeaseOwner);
            }
        }

        // A rekeyed SA handed its identity on to its successor (same LeaseOwner), which leaves it when it ends.
        if (IsSetupResponder && RekeyedTo is null && RemoteIdentity is { } peer)
        {
            Services.IdentityGate?.Leave(peer, LeaseOwner);
        }

        VirtualIps.Clear();
        Ciphers?.Dispose();
        Keymat?.Dispose();
    }

    public override string ToString() =>
        $"{InitiatorSpi:x16}_i {ResponderSpi:x16}_r {(IsInitiator ? "initiator" : "responder")} {State}";
}
