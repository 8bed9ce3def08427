using System.Buffers.Binary;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// Rekeying the IKE SA (RFC 7296 §1.3.2): CREATE_CHILD_SA with an IKE proposal carrying the new initiator SPI, a
/// nonce and a KE payload; the answer carries the new responder SPI, nonce and KE. The new keys come from the old
/// SK_d (§2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)), the CHILD SAs move to the new SA, and the rekey's
/// initiator then deletes the old one.
/// </summary>
public sealed class IkeRekeyTask : CreateChildSaTask
{
    private List<Proposal> _offered = [];
    private Proposal? _chosen;
    private IkeAlgorithms? _algorithms;
    private ulong _spiI;
    private ulong _spiR;
    private byte[] _nonceI = [];
    private byte[] _nonceR = [];

    public IkeRekeyTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        _spiI = Sa.NewSpi();
        var spi = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(spi, _spiI);
        _offered = Sa.Config.IkeProposals.Select(p => new Proposal(p.Number, p.Protocol, spi, [.. p.Transforms])).ToList();
        request.Payloads.Add(new SaPayload([.. _offered]));
        _nonceI = Sa.NewNonce();
        request.Payloads.Add(new NoncePayload(_nonceI));
        // §1.3.2: an IKE SA rekey always brings a key exchange, in the group of the current SA.
        Ke = Sa.Services.KeyExchangeFactory(Sa.Algorithms!.Group);
        request.Payloads.Add(new KePayload((ushort)Ke.Id, Ke.PublicKey.ToArray()));
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        if (Sa.State == IkeSaState.Deleting)
        {
            // RFC 7296 §2.25.2: "If a peer receives a request to rekey an IKE SA that it is currently trying to close,
            // it SHOULD reply with TEMPORARY_FAILURE." (Also the old SA of a rekey we completed first: its Delete is out.)
            return Refuse(NotifyType.TemporaryFailure);
        }

        // §2.25.2: a request to rekey an IKE SA we are rekeying ourselves is answered as usual; the redundant SA is
        // deleted later by the nonces (IkeSa.Rekey).
        SaPayload sa = request.Get<SaPayload>()!;
        _chosen = Proposals.Select(Sa.Config.IkeProposals, sa.Proposals, (ushort)Sa.Algorithms!.Group);
        Proposal? peer = _chosen is null ? null : sa.Proposals.FirstOrDefault(p => p.Number == _chosen.Number);
        _algorithms = _chosen is null ? null : IkeAlgorithms.From(_chosen);
        if (peer is null || _algorithms is null || peer.Spi.Length != 8)
        {
            return Refuse(NotifyType.NoProposalChosen);
        }

        KePayload? ke = request.Get<KePayload>();
        if (ke is null || ke.Group != (ushort)_algorithms.Group)
        {
            // §1.3.2 with §1.3: the KE payload must be of the chosen group, else name the one we want.
            var data = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)_algorithms.Group);
            return Refuse(NotifyType.InvalidKePayload, data);
        }

        _spiI = BinaryPrimitives.ReadUInt64BigEndian(peer.Spi.Span);
        PeerKe = ke.Data.ToArray();
        _nonceI = request.Get<NoncePayload>()!.Data.ToArray();
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (Refused)
        {
            AddRefusal(response);
            return IkeTaskStatus.Success;
        }

        _spiR = Sa.NewSpi();
        var spi = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(spi, _spiR);
        Ke = Sa.Services.KeyExchangeFactory(_algorithms!.Group);
        _nonceR = Sa.NewNonce();
        response.Payloads.Add(new SaPayload(Proposals.WithSpi(_chosen!, spi)));
        response.Payloads.Add(new NoncePayload(_nonceR));
        response.Payloads.Add(new KePayload((ushort)Ke.Id, Ke.PublicKey.ToArray()));
        Complete(_chosen!, _algorithms);
        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        SaPayload? sa = response.Get<SaPayload>();
        NoncePayload? nonce = response.Get<NoncePayload>();
        KePayload? ke = response.Get<KePayload>();
        IkeAlgorithms? algorithms = sa is { Proposals.Count: 1 } ? IkeAlgorithms.From(sa.Proposals[0]) : null;
        if (sa is null || nonce is null || ke is null || algorithms is null || sa.Proposals[0].Spi.Length != 8
            || ke.Group != (ushort)Ke!.Id || !Proposals.IsAcceptableChoice(_offered, sa.Proposals))
        {
            // The old IKE SA stays in use; a later attempt may succeed.
            Sa.IkeRekeyFailure = response.GetAll<NotifyPayload>().FirstOrDefault(n => n.IsError)?.NotifyType;
            DisposeKe();
            return IkeTaskStatus.Success;
        }

        _spiR = BinaryPrimitives.ReadUInt64BigEndian(sa.Proposals[0].Spi.Span);
        PeerKe = ke.Data.ToArray();
        _nonceR = nonce.Data.ToArray();
        Complete(sa.Proposals[0], algorithms);
        return IkeTaskStatus.Success;
    }

    private void Complete(Proposal chosen, IkeAlgorithms algorithms) => WithSharedSecret(shared =>
    {
        var spiI = new byte[8];
        var spiR = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(spiI, _spiI);
        BinaryPrimitives.WriteUInt64BigEndian(spiR, _spiR);
        // RFC 7296 §2.18: the nonces and SPIs of this exchange; the new SA's own PRF for prf+.
        IkeKeymat keymat = Sa.Keymat!.DeriveRekeyed(algorithms.Prf, algorithms.Encryption, algorithms.Integrity, shared,
            _nonceI, _nonceR, spiI, spiR);
        return Sa.Rekey(Initiator, _spiI, _spiR, chosen, algorithms, keymat, _nonceI, _nonceR);
    });
}
