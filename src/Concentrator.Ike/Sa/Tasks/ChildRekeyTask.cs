using System.Buffers.Binary;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// Rekeying a CHILD SA with CREATE_CHILD_SA (RFC 7296 §1.3.3): the request names the SA it replaces in a REKEY_SA
/// notify, brings a fresh nonce (and a KE payload with PFS), the responder answers with its SPI, nonce (KE) and the
/// narrowed selectors; the new SA's KEYMAT comes from SK_d and the new nonces (§2.17). The old SA stays until the
/// rekey's initiator deletes it. Without REKEY_SA the same exchange creates an additional CHILD SA (§1.3.1, like
/// strongSwan's child_create): its selectors are narrowed as IKE_AUTH's are (§2.9), and beyond the connection's
/// <see cref="IkeSaConfig.MaxChildSas"/> it is refused with NO_ADDITIONAL_SAS, which leaves the IKE SA as it was.
/// </summary>
public sealed class ChildRekeyTask : CreateChildSaTask
{
    private readonly ChildSa? _old;
    private List<Proposal> _offered = [];
    private Proposal? _chosen;
    private uint _inboundSpi;
    private uint _outboundSpi;
    private List<TrafficSelector> _tsi = [];
    private List<TrafficSelector> _tsr = [];
    private byte[] _nonceI = [];
    private byte[] _nonceR = [];
    private ChildSa? _replaced;

    /// <summary>Responder side, or an initiator rekeying <paramref name="old"/> (null: creating an additional CHILD SA).</summary>
    public ChildRekeyTask(IkeSa sa, bool initiator, ChildSa? old = null)
        : base(sa, initiator) => _old = old;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        _inboundSpi = Sa.NewChildSpi();
        var spi = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(spi, _inboundSpi);
        // Unlike IKE_AUTH's CHILD SA, a rekey may bring its own key exchange: the configured PFS groups stay in.
        _offered = Sa.Config.EspProposals.Select(p => new Proposal(p.Number, p.Protocol, spi, [.. p.Transforms])).ToList();
        if (_old is { } old)
        {
            var oldSpi = new byte[4];
            // RFC 7296 §1.3.3: REKEY_SA carries the SPI the initiator expects in inbound packets of the replaced SA.
            BinaryPrimitives.WriteUInt32BigEndian(oldSpi, old.InboundSpi);
            request.Payloads.Add(new NotifyPayload(NotifyType.RekeySa, ProtocolId.Esp, oldSpi));
        }

        request.Payloads.Add(new SaPayload([.. _offered]));
        _nonceI = Sa.NewNonce();
        request.Payloads.Add(new NoncePayload(_nonceI));
        if (FirstGroup(_offered) is { } group)
        {
            Ke = Sa.Services.KeyExchangeFactory(group);
            request.Payloads.Add(new KePayload((ushort)group, Ke.PublicKey.ToArray()));
        }

        // A new CHILD SA of a client with a virtual IP asks for that address; else the configured selectors.
        _tsi = _old is { } replaced ? [.. replaced.LocalSelectors]
            : Sa.VirtualIps.Count > 0 ? [.. Sa.VirtualIps.Select(TrafficSelectors.Host)] : [.. Sa.Config.LocalTrafficSelectors];
        _tsr = _old is { } rekeyed ? [.. rekeyed.RemoteSelectors] : [.. Sa.Config.RemoteTrafficSelectors];
        request.Payloads.Add(new TrafficSelectorPayload(true, [.. _tsi]));
        request.Payloads.Add(new TrafficSelectorPayload(false, [.. _tsr]));
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        SaPayload? sa = request.Get<SaPayload>();
        NotifyPayload? rekey = request.GetNotify(NotifyType.RekeySa);
        if (Sa.IkeRekeyInFlight || Sa.RekeyedTo is not null || Sa.State == IkeSaState.Deleting)
        {
            // RFC 7296 §2.25.2: "If a peer receives a request to rekey a Child SA when it is currently rekeying the IKE
            // SA, it SHOULD reply with TEMPORARY_FAILURE"; likewise while the IKE SA is being closed or already
            // replaced (its CHILD SAs belong to the new one). The peer retries later, on the new SA.
            return Refuse(NotifyType.TemporaryFailure);
        }

        if (sa is null || sa.Proposals.Any(p => p.Protocol != ProtocolId.Esp))
        {
            // Neither a CHILD SA nor an IKE SA rekey (those go to IkeRekeyTask): RFC 7296 §1.3 lets the responder refuse.
            return Refuse(NotifyType.NoAdditionalSas);
        }

        if (rekey is null)
        {
            return ProcessAdditional(request, sa);
        }

        // RFC 7296 §1.3.3: the SPI names the peer's inbound SA, i.e. our outbound one.
        if (rekey.Spi.Length != 4 || Sa.ChildSas.FirstOrDefault(c => c.OutboundSpi == BinaryPrimitives.ReadUInt32BigEndian(rekey.Spi.Span)) is not { } replaced)
        {
            // §2.25: the SA being rekeyed is gone (a Delete crossed this request).
            return Refuse(NotifyType.ChildSaNotFound);
        }

        if (Sa.Tasks.Deleting(replaced))
        {
            // RFC 7296 §2.25.1: "If a peer receives a request to rekey a Child SA that it is currently trying to close,
            // it SHOULD reply with TEMPORARY_FAILURE." (Our own rekey of it completed first: its Delete is out.)
            return Refuse(NotifyType.TemporaryFailure);
        }

        _replaced = replaced;
        return ProcessProposalAndSelectors(request, sa, replaced);
    }

    /// <summary>RFC 7296 §1.3.1: a CREATE_CHILD_SA without REKEY_SA asks for one more CHILD SA; the connection's cap
    /// (CHILD SAs that replace a live one by rekeying count once) answers NO_ADDITIONAL_SAS beyond it.</summary>
    private IkeTaskStatus ProcessAdditional(IkeMessage request, SaPayload sa)
    {
        int live = Sa.ChildSas.Count(c => c.ReplacesInboundSpi is not { } old || !Sa.ChildSas.Any(o => o.InboundSpi == old));
        if (live >= Sa.Config.MaxChildSas)
        {
            return Refuse(NotifyType.NoAdditionalSas);
        }

        return ProcessProposalAndSelectors(request, sa, replaced: null);
    }

    private IkeTaskStatus ProcessProposalAndSelectors(IkeMessage request, SaPayload sa, ChildSa? replaced)
    {
        _chosen = Proposals.Select(Sa.Config.EspProposals, sa.Proposals);
        Proposal? peer = _chosen is null ? null : sa.Proposals.FirstOrDefault(p => p.Number == _chosen.Number);
        if (_chosen is null || peer is null || peer.Spi.Length != 4 || EspAlgorithms.From(_chosen) is null)
        {
            return Refuse(NotifyType.NoProposalChosen);
        }

        if (FirstGroup([_chosen]) is { } group)
        {
            // RFC 7296 §1.3.3 with PFS: the KE payload must be of the chosen group, else name the one we want.
            KePayload? ke = request.Get<KePayload>();
            if (ke is null || ke.Group != (ushort)group)
            {
                var data = new byte[2];
                BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)group);
                return Refuse(NotifyType.InvalidKePayload, data);
            }

            Ke = Sa.Services.KeyExchangeFactory(group);
            PeerKe = ke.Data.ToArray();
        }

        _outboundSpi = BinaryPrimitives.ReadUInt32BigEndian(peer.Spi.Span);
        TrafficSelectorPayload? tsi = request.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => t.IsInitiator);
        TrafficSelectorPayload? tsr = request.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => !t.IsInitiator);
        if (tsi is null || tsr is null)
        {
            return Refuse(NotifyType.TsUnacceptable);
        }

        // A rekey's new SA carries the old one's traffic: narrowed to its selectors, whichever side started the rekey.
        // An additional CHILD SA is narrowed as IKE_AUTH's (§2.9): the peer's virtual IP or the connection's remote-ts,
        // and local-ts.
        (_tsi, _tsr) = replaced is not null
            ? (TrafficSelectors.Narrow(tsi.Selectors, replaced.RemoteSelectors), TrafficSelectors.Narrow(tsr.Selectors, replaced.LocalSelectors))
            : ChildCreateTask.NarrowR(Sa, tsi.Selectors, tsr.Selectors);
        if (_tsi.Count == 0 || _tsr.Count == 0)
        {
            return Refuse(NotifyType.TsUnacceptable);
        }

        _nonceI = request.Get<NoncePayload>()!.Data.ToArray();
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (Refused)
        {
            // The IKE SA and the CHILD SA asked about stay as they were.
            AddRefusal(response);
            return IkeTaskStatus.Success;
        }

        _inboundSpi = Sa.NewChildSpi();
        var spi = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(spi, _inboundSpi);
        _nonceR = Sa.NewNonce();
        response.Payloads.Add(new SaPayload(Proposals.WithSpi(_chosen!, spi)));
        response.Payloads.Add(new NoncePayload(_nonceR));
        if (Ke is not null)
        {
            response.Payloads.Add(new KePayload((ushort)Ke.Id, Ke.PublicKey.ToArray()));
        }

        response.Payloads.Add(new TrafficSelectorPayload(true, [.. _tsi]));
        response.Payloads.Add(new TrafficSelectorPayload(false, [.. _tsr]));
        // Installed before the response leaves, like the first CHILD SA: the initiator switches to it at once.
        Sa.AddChildSa(Create(EspAlgorithms.From(_chosen!)!, local: _tsr, remote: _tsi));
        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        SaPayload? sa = response.Get<SaPayload>();
        NoncePayload? nonce = response.Get<NoncePayload>();
        TrafficSelectorPayload? tsi = response.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => t.IsInitiator);
        TrafficSelectorPayload? tsr = response.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => !t.IsInitiator);
        EspAlgorithms? algorithms = sa is { Proposals.Count: 1 } ? EspAlgorithms.From(sa.Proposals[0]) : null;
        if (sa is null || nonce is null || tsi is null || tsr is null || algorithms is null || sa.Proposals[0].Spi.Length != 4
            || !Proposals.IsAcceptableChoice(_offered, sa.Proposals))
        {
            // The old CHILD SA keeps running; the caller may retry later.
            Sa.ChildFailureNotify = response.GetAll<NotifyPayload>().FirstOrDefault(n => n.IsError)?.NotifyType ?? NotifyType.NoProposalChosen;
            DisposeKe();
            return IkeTaskStatus.Success;
        }

        if (Ke is not null)
        {
            if (response.Get<KePayload>() is not { } ke || ke.Group != (ushort)Ke.Id)
            {
                Sa.ChildFailureNotify = NotifyType.InvalidKePayload;
                DisposeKe();
                return IkeTaskStatus.Success;
            }

            PeerKe = ke.Data.ToArray();
        }

        _outboundSpi = BinaryPrimitives.ReadUInt32BigEndian(sa.Proposals[0].Spi.Span);
        _nonceR = nonce.Data.ToArray();
        _replaced = _old;
        Sa.AddChildSa(Create(algorithms, local: tsi.Selectors, remote: tsr.Selectors));
        return IkeTaskStatus.Success;
    }

    // RFC 7296 §2.17: KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr) with this exchange's nonces.
    private ChildSa Create(EspAlgorithms algorithms, IReadOnlyList<TrafficSelector> local, IReadOnlyList<TrafficSelector> remote) =>
        WithSharedSecret(shared => ChildCreateTask.Keyed(Sa, Initiator, algorithms, _inboundSpi, _outboundSpi, local, remote, shared,
            _nonceI, _nonceR) with
        {
            ReplacesInboundSpi = _replaced?.InboundSpi,
            RekeyLowestNonce = _nonceI.AsSpan().SequenceCompareTo(_nonceR) <= 0 ? _nonceI : _nonceR,
            CreatedByUs = Initiator,
            PfsGroup = Ke?.Id,
        });

    private static KeyExchangeId? FirstGroup(IEnumerable<Proposal> proposals) =>
        Proposals.Groups(proposals) is [var first, ..] ? (KeyExchangeId)first : null;
}
