using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Tasks;

namespace Concentrator.Ike.Sa;

/// <summary>Rekeying the IKE SA itself (RFC 7296 §1.3.2, §2.18): a new IKE SA with new SPIs and keys takes over.</summary>
public sealed partial class IkeSa
{
    /// <summary>The IKE SA that replaced this one, once a rekey completed. This one then only answers (or sends) the
    /// Delete that ends it; its CHILD SAs and virtual IPs belong to the new one. After a collision (§2.8.2), the
    /// surviving one.</summary>
    public IkeSa? RekeyedTo { get; private set; }

    /// <summary>After simultaneous rekeys of this SA (RFC 7296 §2.8.2): the new SA that lost, the one created with the
    /// lowest of the four nonces. It "SHOULD be closed by the endpoint that created it": us when
    /// <see cref="IsInitiator"/> of it is set (we initiated that rekey), else the peer.</summary>
    public IkeSa? RedundantRekey { get; private set; }

    /// <summary>Why our last IKE rekey of this SA got no new SA: the peer's error Notify (TEMPORARY_FAILURE,
    /// NO_PROPOSAL_CHOSEN, …), or null for an answer we could not use.</summary>
    public NotifyType? IkeRekeyFailure { get; internal set; }

    /// <summary>Our CREATE_CHILD_SA rekeying this IKE SA is in flight.</summary>
    public bool IkeRekeyInFlight => Tasks.ActiveIs<IkeRekeyTask>();

    /// <summary>Any request of ours is in flight or queued.</summary>
    public bool Busy => Tasks.HasActive || Tasks.HasQueued;

    /// <summary>Who holds this SA's address leases: the first SA's own SPI, kept across rekeys, so a lease taken by
    /// the original SA is released by whichever of its successors ends last.</summary>
    public ulong LeaseOwner { get; private set; }

    /// <summary>
    /// Creates the IKE SA that replaces this one (RFC 7296 §2.18) and hands it everything that outlives the keys:
    /// CHILD SAs (§2.18: they move to the new IKE SA), virtual IPs, the peer's identity and NAT state. Message IDs
    /// restart at zero on the new SA; the rekey's initiator is the new SA's original initiator. A second rekey of the
    /// same SA is a collision (both ends rekeyed at once), resolved by the nonces.
    /// </summary>
    internal IkeSa Rekey(bool asInitiator, ulong initiatorSpi, ulong responderSpi, Proposal chosen, IkeAlgorithms algorithms,
        IkeKeymat keymat, ReadOnlyMemory<byte> ni, ReadOnlyMemory<byte> nr)
    {
        var next = new IkeSa(asInitiator, Config, Services, LocalEndpoint, RemoteEndpoint, asInitiator ? initiatorSpi : responderSpi)
        {
            InitiatorSpi = initiatorSpi,
            ResponderSpi = responderSpi,
            IkeProposal = chosen,
            Connection = Connection,
            SpiSource = SpiSource,
            ChildListener = ChildListener,
            Algorithms = algorithms,
            Keymat = keymat,
            NonceI = ni,
            NonceR = nr,
            RemoteBehindNat = RemoteBehindNat,
            LocalBehindNat = LocalBehindNat,
            PeerSupportsFragmentation = PeerSupportsFragmentation,
            PeerSignatureHashes = PeerSignatureHashes,
            RemoteIdentity = RemoteIdentity,
            State = IkeSaState.Established,
            LeaseOwner = LeaseOwner,
            IsSetupResponder = IsSetupResponder,
        };
        next.Ciphers = keymat.CreateSkCiphers(asInitiator, Services.Random);
        if (RekeyedTo is { } earlier)
        {
            ResolveCollision(earlier, next);
            return next;
        }

        MoveInto(this, next);
        RekeyedTo = next;
        return next;
    }

    /// <summary>
    /// RFC 7296 §2.8.2 (with §2.8.1): both ends rekeyed this SA at once, so two new SAs exist. "The SA created with the
    /// lowest of the four nonces used in the two exchanges SHOULD be closed by the endpoint that created it"; the CHILD
    /// SAs (and our virtual IPs) belong to the other, which the peer that initiated it makes the only successor by
    /// deleting this old SA.
    /// </summary>
    private void ResolveCollision(IkeSa earlier, IkeSa later)
    {
        bool earlierLoses = LowestNonce(earlier).Span.SequenceCompareTo(LowestNonce(later).Span) < 0;
        (IkeSa winner, IkeSa loser) = earlierLoses ? (later, earlier) : (earlier, later);
        MoveInto(loser, winner);
        // The loser is replaced too: its end neither releases the leases nor leaves the identity.
        loser.RekeyedTo = winner;
        RekeyedTo = winner;
        RedundantRekey = loser;
    }

    /// <summary>"Lowest" is an octet-by-octet comparison, a nonce that is a prefix of another being the lower (§2.8.1):
    /// <see cref="MemoryExtensions.SequenceCompareTo{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>.</summary>
    private static ReadOnlyMemory<byte> LowestNonce(IkeSa sa) =>
        sa.NonceI.Span.SequenceCompareTo(sa.NonceR.Span) <= 0 ? sa.NonceI : sa.NonceR;

    private static void MoveInto(IkeSa from, IkeSa to)
    {
        to.VirtualIps.AddRange(from.VirtualIps);
        to.DnsServers.AddRange(from.DnsServers);
        to._childSas.AddRange(from._childSas);
        // Moved, not removed: the kernel keeps the CHILD SAs, and the old SA's end must neither uninstall them nor
        // release the addresses.
        from.VirtualIps.Clear();
        from.DnsServers.Clear();
        from._childSas.Clear();
    }
}
