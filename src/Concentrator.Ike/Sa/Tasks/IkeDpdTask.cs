using Concentrator.Ike.Encoding;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>Liveness check (RFC 7296 §2.4): an empty INFORMATIONAL request; any valid response proves the peer
/// alive. The responder side needs nothing beyond the empty response the task manager sends.</summary>
public sealed class IkeDpdTask : IkeTask
{
    public IkeDpdTask(IkeSa sa)
        : base(sa, initiator: true)
    {
    }

    public override ExchangeType Exchange => ExchangeType.Informational;

    /// <summary>Set once the response arrived.</summary>
    public bool PeerAlive { get; private set; }

    protected override IkeTaskStatus BuildI(IkeMessage request) => IkeTaskStatus.NeedMore;

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        PeerAlive = true;
        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request) => IkeTaskStatus.Success;

    protected override IkeTaskStatus BuildR(IkeMessage response) => IkeTaskStatus.Success;
}
