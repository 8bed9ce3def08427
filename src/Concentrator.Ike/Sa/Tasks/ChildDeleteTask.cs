using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>Deleting CHILD SAs (RFC 7296 §1.4.1): each side names the SPIs of its inbound SAs; the responder
/// answers with the inbound SPIs of its halves of the same pairs.</summary>
public sealed class ChildDeleteTask : IkeTask
{
    private readonly List<ChildSa> _deleting = [];

    /// <summary>Responder side, or an initiator deleting <paramref name="children"/>.</summary>
    public ChildDeleteTask(IkeSa sa, bool initiator, params ChildSa[] children)
        : base(sa, initiator) => _deleting.AddRange(children);

    public override ExchangeType Exchange => ExchangeType.Informational;

    /// <summary>Initiator: the CHILD SAs this task deletes.</summary>
    internal IReadOnlyList<ChildSa> Deleting => _deleting;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        request.Payloads.Add(DeletePayload.ForChildSas(ProtocolId.Esp, [.. _deleting.Select(c => c.InboundSpi)]));
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        foreach (ChildSa child in _deleting)
        {
            Sa.RemoveChildSa(child);
        }

        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        if (request.GetAll<DeletePayload>().Any(d => d.Protocol == ProtocolId.Ike))
        {
            return IkeTaskStatus.NeedMore; // the IKE SA goes, and its CHILD SAs with it
        }

        foreach (DeletePayload delete in request.GetAll<DeletePayload>().Where(d => d.Protocol == ProtocolId.Esp))
        {
            for (int i = 0; i < delete.SpiCount; i++)
            {
                // The peer names its inbound SPI, which is our outbound one. RFC 7296 §1.4.1: an SPI of no SA of ours is ignored.
                uint spi = delete.GetSpi32(i);
                if (Sa.ChildSas.FirstOrDefault(c => c.OutboundSpi == spi) is { } child && !_deleting.Contains(child))
                {
                    _deleting.Add(child);
                }
            }
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (_deleting.Count > 0)
        {
            response.Payloads.Add(DeletePayload.ForChildSas(ProtocolId.Esp, [.. _deleting.Select(c => c.InboundSpi)]));
            foreach (ChildSa child in _deleting)
            {
                Sa.RemoveChildSa(child);
            }
        }

        return IkeTaskStatus.Success;
    }
}
