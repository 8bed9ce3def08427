using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>Rekeying the IKE SA itself (RFC 7296 §1.3.2, §2.18): a new IKE SA with new SPIs and keys takes over.</summary>
public sealed partial class IkeSa
{
    /// <summary>The IKE SA that replaced this one, once a rekey completed. This one then only answers (or sends) the
    /// Delete that ends it; its CHILD SAs and virtual IPs belong to the new one.</summary>
    public IkeSa? RekeyedTo { get; private set; }

    /// <summary>Who holds this SA's address leases: the first SA's own SPI, kept across rekeys, so a lease taken by
    /// the original SA is released by whichever of its successors ends last.</summary>
    public ulong LeaseOwner { get; private set; }

    /// <summary>
    /// Creates the IKE SA that replaces this one (RFC 7296 §2.18) and hands it everything that outlives the keys:
    /// CHILD SAs (§2.18: they move to the new IKE SA), virtual IPs, the peer's identity and NAT state. Message IDs
    /// restart at zero on the new SA; the rekey's initiator is the new SA's original initiator.
    /// </summary>
    internal IkeSa Rekey(bool asInitiator, ulong initiatorSpi, ulong responderSpi, Proposal chosen, IkeAlgorithms algorithms,
        IkeKeymat keymat, ReadOnlyMemory<byte> ni, ReadOnlyMemory<byte> nr)
    {
        var next = new IkeSa(asInitiator, Config, Services, LocalEndpoint, RemoteEndpoint)
        {
            InitiatorSpi = initiatorSpi,
            ResponderSpi = responderSpi,
            IkeProposal = chosen,
            Connection = Connection,
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
        };
        next.Ciphers = keymat.CreateSkCiphers(asInitiator, Services.Random);
        next.VirtualIps.AddRange(VirtualIps);
        next.DnsServers.AddRange(DnsServers);
        next._childSas.AddRange(_childSas);
        // Moved, not removed: the kernel keeps the CHILD SAs, and this SA's end must neither uninstall them nor
        // release the addresses.
        VirtualIps.Clear();
        _childSas.Clear();
        RekeyedTo = next;
        return next;
    }
}
