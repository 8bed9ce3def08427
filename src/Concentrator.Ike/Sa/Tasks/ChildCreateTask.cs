using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// The CHILD SA created with IKE_AUTH (RFC 7296 §1.2): ESP proposal selection, traffic selector narrowing (§2.9),
/// SPIs and KEYMAT (§2.17). NO_PROPOSAL_CHOSEN and TS_UNACCEPTABLE leave the IKE SA up without a CHILD SA.
/// </summary>
public sealed class ChildCreateTask : IkeTask
{
    private uint _inboundSpi;
    private List<Proposal> _offered = [];
    private List<TrafficSelector> _tsi = [];
    private List<TrafficSelector> _tsr = [];
    private Proposal? _chosen;
    private uint _outboundSpi;
    private NotifyType? _error;
    private bool _skip;

    public ChildCreateTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    public override ExchangeType Exchange => ExchangeType.IkeAuth;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        _inboundSpi = Sa.NewChildSpi();
        var spi = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(spi, _inboundSpi);
        // RFC 7296 §1.2: the CHILD SA of IKE_AUTH has no KE of its own, so PFS groups are left out here.
        _offered = Sa.Config.EspProposals.Select(p => WithoutKe(p, spi)).ToList();

        _tsi = Sa.Config.RequestVirtualIp4 || Sa.Config.RequestVirtualIp6
            ? Dynamic()
            : [.. Sa.Config.LocalTrafficSelectors];
        _tsr = [.. Sa.Config.RemoteTrafficSelectors];
        request.Payloads.Add(new SaPayload([.. _offered]));
        request.Payloads.Add(new TrafficSelectorPayload(true, [.. _tsi]));
        request.Payloads.Add(new TrafficSelectorPayload(false, [.. _tsr]));
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        SaPayload? sa = request.Get<SaPayload>();
        if (sa is null || Sa.ConfigFailed)
        {
            // Childless (RFC 6023) or the address request failed (INTERNAL_ADDRESS_FAILURE already answers it).
            _skip = true;
            return IkeTaskStatus.NeedMore;
        }

        _chosen = Proposals.Select(Sa.Config.EspProposals, sa.Proposals, ignoreKeyExchange: true);
        Proposal? peer = _chosen is null ? null
            : sa.Proposals.FirstOrDefault(p => p.Number == _chosen.Number && p.Protocol == _chosen.Protocol);
        if (_chosen is null || peer is null || peer.Spi.Length != 4 || EspAlgorithms.From(_chosen) is null)
        {
            _error = NotifyType.NoProposalChosen;
            return IkeTaskStatus.NeedMore;
        }

        _outboundSpi = BinaryPrimitives.ReadUInt32BigEndian(peer.Spi.Span);
        TrafficSelectorPayload? tsi = request.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => t.IsInitiator);
        TrafficSelectorPayload? tsr = request.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => !t.IsInitiator);
        if (tsi is null || tsr is null)
        {
            _error = NotifyType.TsUnacceptable;
            return IkeTaskStatus.NeedMore;
        }

        (_tsi, _tsr) = NarrowR(Sa, tsi.Selectors, tsr.Selectors);
        if (_tsi.Count == 0 || _tsr.Count == 0)
        {
            _error = NotifyType.TsUnacceptable;
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (_skip)
        {
            return IkeTaskStatus.Success;
        }

        if (_error is { } error)
        {
            Sa.ChildFailureNotify = error;
            response.Payloads.Add(new NotifyPayload(error));
            return IkeTaskStatus.Success;
        }

        _inboundSpi = Sa.NewChildSpi();
        var spi = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(spi, _inboundSpi);
        response.Payloads.Add(new SaPayload(Proposals.WithSpi(_chosen!, spi)));
        response.Payloads.Add(new TrafficSelectorPayload(true, [.. _tsi]));
        response.Payloads.Add(new TrafficSelectorPayload(false, [.. _tsr]));
        // Installed before the response leaves: the initiator may send ESP as soon as it has the response.
        Sa.AddChildSa(Keyed(Sa, Sa.IsInitiator, EspAlgorithms.From(_chosen!)!, _inboundSpi, _outboundSpi, local: _tsr, remote: _tsi, [],
            Sa.NonceI.Span, Sa.NonceR.Span));
        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        SaPayload? sa = response.Get<SaPayload>();
        if (sa is null)
        {
            Sa.ChildFailureNotify = response.GetAll<NotifyPayload>().FirstOrDefault(n => n.IsError)?.NotifyType
                ?? NotifyType.NoProposalChosen;
            return IkeTaskStatus.Success;
        }

        TrafficSelectorPayload? tsi = response.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => t.IsInitiator);
        TrafficSelectorPayload? tsr = response.GetAll<TrafficSelectorPayload>().FirstOrDefault(t => !t.IsInitiator);
        EspAlgorithms? algorithms = sa.Proposals.Count == 1 ? EspAlgorithms.From(sa.Proposals[0]) : null;
        if (algorithms is null || sa.Proposals[0].Spi.Length != 4
            || !Proposals.IsAcceptableChoice(_offered, sa.Proposals, ignoreKeyExchange: true))
        {
            Sa.ChildFailureNotify = NotifyType.NoProposalChosen;
            return IkeTaskStatus.Success;
        }

        // RFC 7296 §2.9: the responder may only narrow; selectors wider than proposed are refused.
        if (tsi is null || tsr is null || tsi.Selectors.Count == 0 || tsr.Selectors.Count == 0
            || !tsi.Selectors.TrueForAll(t => TrafficSelectors.IsCoveredBy(t, _tsi))
            || !tsr.Selectors.TrueForAll(t => TrafficSelectors.IsCoveredBy(t, _tsr)))
        {
            Sa.ChildFailureNotify = NotifyType.TsUnacceptable;
            return IkeTaskStatus.Success;
        }

        _outboundSpi = BinaryPrimitives.ReadUInt32BigEndian(sa.Proposals[0].Spi.Span);
        Sa.AddChildSa(Keyed(Sa, Sa.IsInitiator, algorithms, _inboundSpi, _outboundSpi, local: tsi.Selectors, remote: tsr.Selectors, [],
            Sa.NonceI.Span, Sa.NonceR.Span));
        return IkeTaskStatus.Success;
    }

    /// <summary>RFC 7296 §2.9: the responder narrows TSi to the address it assigned (or to what policy allows) and
    /// TSr to its configured local selectors; an empty side means TS_UNACCEPTABLE.</summary>
    internal static (List<TrafficSelector> Tsi, List<TrafficSelector> Tsr) NarrowR(IkeSa sa, IReadOnlyList<TrafficSelector> tsi,
        IReadOnlyList<TrafficSelector> tsr)
    {
        IEnumerable<TrafficSelector> allowedRemote = sa.VirtualIps.Count > 0
            ? sa.VirtualIps.Select(TrafficSelectors.Host)
            : sa.Config.RemoteTrafficSelectors;
        return (TrafficSelectors.Narrow(tsi, allowedRemote), TrafficSelectors.Narrow(tsr, sa.Config.LocalTrafficSelectors));
    }

    /// <summary>A CHILD SA of <paramref name="sa"/> with its keys: RFC 7296 §2.17, KEYMAT = prf+(SK_d, [g^ir] | Ni | Nr)
    /// with the nonces of the exchange that creates it (IKE_AUTH: those of IKE_SA_INIT) and g^ir only with PFS;
    /// the keys for traffic from that exchange's initiator come first. <paramref name="exchangeInitiator"/>: we
    /// started the exchange (for a rekey the gateway may, though it is the IKE SA's responder).</summary>
    internal static ChildSa Keyed(IkeSa sa, bool exchangeInitiator, EspAlgorithms algorithms, uint inboundSpi, uint outboundSpi,
        IReadOnlyList<TrafficSelector> local, IReadOnlyList<TrafficSelector> remote, ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> ni, ReadOnlySpan<byte> nr)
    {
        int integLength = algorithms.Integrity?.KeyLength ?? 0;
        using ChildKeymat keymat = sa.Keymat!.DeriveChild(algorithms.Encryption.KeyLength, integLength, sharedSecret, ni, nr);
        byte[] iEncr = keymat.InitiatorEncryptionKey.ToArray(), iInteg = keymat.InitiatorIntegrityKey.ToArray();
        byte[] rEncr = keymat.ResponderEncryptionKey.ToArray(), rInteg = keymat.ResponderIntegrityKey.ToArray();
        bool initiator = exchangeInitiator;
        return new ChildSa
        {
            InboundSpi = inboundSpi,
            OutboundSpi = outboundSpi,
            Algorithms = algorithms,
            InboundEncryptionKey = initiator ? rEncr : iEncr,
            InboundIntegrityKey = initiator ? rInteg : iInteg,
            OutboundEncryptionKey = initiator ? iEncr : rEncr,
            OutboundIntegrityKey = initiator ? iInteg : rInteg,
            LocalSelectors = [.. local],
            RemoteSelectors = [.. remote],
            LocalEndpoint = sa.LocalEndpoint,
            RemoteEndpoint = sa.RemoteEndpoint,
            UdpEncapsulation = sa.NatDetected,
            IkeInitiatorSpi = sa.InitiatorSpi,
            IkeResponderSpi = sa.ResponderSpi,
            CreatedAt = sa.Services.Time.GetUtcNow(),
        };
    }

    private List<TrafficSelector> Dynamic()
    {
        var list = new List<TrafficSelector>(2);
        if (Sa.Config.RequestVirtualIp4)
        {
            list.Add(TrafficSelector.Any(AddressFamily.InterNetwork));
        }

        if (Sa.Config.RequestVirtualIp6)
        {
            list.Add(TrafficSelector.Any(AddressFamily.InterNetworkV6));
        }

        return list;
    }

    internal static Proposal WithoutKe(Proposal proposal, byte[] spi)
    {
        var copy = new Proposal(proposal.Number, proposal.Protocol, spi);
        copy.Transforms.AddRange(proposal.Transforms.Where(t => t.Type != TransformType.KeyExchange));
        return copy;
    }
}
