using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>Deleting the IKE SA with an INFORMATIONAL Delete (RFC 7296 §1.4.1): the CHILD SAs go with it and the
/// response is empty.</summary>
public sealed class IkeDeleteTask : IkeTask
{
    private bool _deleteRequested;

    public IkeDeleteTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    public override ExchangeType Exchange => ExchangeType.Informational;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        request.Payloads.Add(DeletePayload.ForIkeSa());
        Sa.State = IkeSaState.Deleting;
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        Sa.RemoveAllChildSas();
        Sa.State = IkeSaState.Deleted;
        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        _deleteRequested = request.GetAll<DeletePayload>().Any(d => d.Protocol == ProtocolId.Ike);
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (_deleteRequested)
        {
            // RFC 7296 §1.4.1: deleting the IKE SA closes its CHILD SAs; the response is an empty INFORMATIONAL.
            Sa.RemoveAllChildSas();
            Sa.State = IkeSaState.Deleted;
        }

        return IkeTaskStatus.Success;
    }
}
