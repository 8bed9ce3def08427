using System.Net;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Tasks;

namespace Concentrator.Ike.Sa;

/// <summary>The requests this SA sends: starting the setup, INFORMATIONAL exchanges, and the responses to them.</summary>
public sealed partial class IkeSa
{
    /// <summary>Starts IKE_SA_INIT, then IKE_AUTH with the CHILD SA. Only for an SA made by
    /// <see cref="CreateInitiator"/>, once; anything else throws <see cref="InvalidOperationException"/>.</summary>
    public IkeSaResult Initiate()
    {
        if (!IsInitiator || State != IkeSaState.Created || Tasks.HasActive || Tasks.HasQueued)
        {
            throw new InvalidOperationException("Initiate is for a new initiator SA, once");
        }

        Tasks.Queue(new IkeInitTask(this, initiator: true));
        Tasks.Queue(new IkeAuthTask(this, initiator: true), new IkeConfigTask(this, initiator: true),
            new ChildCreateTask(this, initiator: true));
        return SendNext();
    }

    /// <summary>Sends an INFORMATIONAL Delete for the whole IKE SA (when no other request is in flight, else it
    /// is queued).</summary>
    public IkeSaResult InitiateDelete() => QueueInformational(new IkeDeleteTask(this, initiator: true));

    /// <summary>Sends an empty INFORMATIONAL as liveness check (RFC 7296 §2.4).</summary>
    public IkeSaResult InitiateDpd() => QueueInformational(new IkeDpdTask(this));

    /// <summary>Deletes CHILD SAs with an INFORMATIONAL Delete.</summary>
    public IkeSaResult InitiateChildDelete(params ChildSa[] children) =>
        QueueInformational(new ChildDeleteTask(this, initiator: true, children));

    /// <summary>Rekeys <paramref name="child"/> with CREATE_CHILD_SA (RFC 7296 §1.3.3); once the new CHILD SA is up
    /// (<see cref="IkeSaResult.NewChildSas"/>), the caller deletes the old one with <see cref="InitiateChildDelete"/>.</summary>
    public IkeSaResult InitiateChildRekey(ChildSa child) => QueueInformational(new ChildRekeyTask(this, initiator: true, child));

    /// <summary>Asks for one more CHILD SA with CREATE_CHILD_SA (RFC 7296 §1.3.1): our virtual IP (or the configured
    /// selectors) to the configured remote ones; the new one shows in <see cref="IkeSaResult.NewChildSas"/>.</summary>
    public IkeSaResult InitiateChildCreate() => QueueInformational(new ChildRekeyTask(this, initiator: true));

    /// <summary>Rekeys this IKE SA (RFC 7296 §1.3.2); the response's <see cref="IkeSaResult.Rekeyed"/> is the new SA,
    /// after which the caller deletes this one with <see cref="InitiateDelete"/>.</summary>
    public IkeSaResult InitiateRekey() => QueueInformational(new IkeRekeyTask(this, initiator: true));

    /// <summary>A response to our request in flight: the next request to send (if any), or a drop.</summary>
    public IkeSaResult ProcessResponse(ReadOnlyMemory<byte> datagram, IPEndPoint remote, IPEndPoint local)
    {
        IkeHeader header;
        try
        {
            header = IkeHeader.Read(datagram.Span);
        }
        catch (IkeProtocolException ex)
        {
            return IkeSaResult.Dropped(DropReason.Malformed, ex.Message);
        }

        if (!header.IsResponse)
        {
            return IkeSaResult.Dropped(DropReason.WrongState, "a request where a response was expected");
        }

        if (header.InitiatorSpi != InitiatorSpi
            || (header.ExchangeType != ExchangeType.IkeSaInit && header.ResponderSpi != ResponderSpi))
        {
            return IkeSaResult.Dropped(DropReason.WrongSpi, "SPIs of another SA");
        }

        if (_pendingRequest is null || header.MessageId != _pendingRequestId || Tasks.ActiveExchange != header.ExchangeType)
        {
            // RFC 7296 §2.3: a response to no outstanding request is dropped.
            return IkeSaResult.Dropped(DropReason.OutOfWindow, $"response {header.MessageId} matches no request in flight");
        }

        IkeSaResult? drop = Open(datagram, header, out IkeMessage? response, out IkeProtocolException? error);
        if (drop is not null)
        {
            return drop;
        }

        if (error is not null)
        {
            return IkeSaResult.Dropped(DropReason.Malformed, error.Message);
        }

        if (header.ExchangeType == ExchangeType.IkeSaInit)
        {
            InitResponse = datagram.ToArray();
        }
        else
        {
            FollowNat(remote, local);
        }

        int childrenBefore = _childSas.Count;
        IkeSa? rekeyedBefore = RekeyedTo;
        IkeTaskStatus status;
        try
        {
            status = Tasks.ProcessResponse(response!);
        }
        catch (IkeProtocolException ex)
        {
            Fail(ex.Notify);
            return IkeSaResult.Dropped(DropReason.InvalidUnprotected, ex.Message);
        }

        _pendingRequest = null;
        if (header.ExchangeType == ExchangeType.IkeSaInit && status != IkeTaskStatus.Failed)
        {
            FloatToNatTPort();
        }

        List<ChildSa> children = _childSas.Skip(childrenBefore).ToList();
        if (State == IkeSaState.Established)
        {
            ReleaseInitMessages();
        }

        if (status == IkeTaskStatus.Failed)
        {
            return new IkeSaResult([], DropReason.None, $"failed: {FailureNotify}", children);
        }

        IkeSaResult next = status == IkeTaskStatus.NeedMore ? SendActive() : SendNext();
        return next with { NewChildSas = children, Rekeyed = ReferenceEquals(RekeyedTo, rekeyedBefore) ? null : RekeyedTo };
    }

    /// <summary>RFC 7296 §2.23: "the initiator MUST ... use UDP port 4500 ... for the IKE_AUTH exchange" once IKE_SA_INIT
    /// detected a NAT (both ends then carry the non-ESP marker, and ESP goes in UDP between these ports).</summary>
    private void FloatToNatTPort()
    {
        if (Config.InitiatorNatTPort is { } natT && NatDetected && RemoteEndpoint.Port != natT)
        {
            RemoteEndpoint = new IPEndPoint(RemoteEndpoint.Address, natT);
            LocalEndpoint = new IPEndPoint(LocalEndpoint.Address, natT);
        }
    }

    private IkeSaResult QueueInformational(IIkeTask task)
    {
        // RFC 7296 §1.4: INFORMATIONAL (and CREATE_CHILD_SA) exchanges only after the initial exchanges.
        if (Ciphers is null || State is not (IkeSaState.Established or IkeSaState.Deleting))
        {
            throw new InvalidOperationException($"no INFORMATIONAL exchange while {State}");
        }

        Tasks.Queue(task);
        return SendNext();
    }

    private IkeSaResult SendNext() => Tasks.Activate() is null ? IkeSaResult.Nothing : SendActive();

    private IkeSaResult SendActive()
    {
        ExchangeType exchange = Tasks.ActiveExchange!.Value;
        // RFC 7296 §2.2: IKE_SA_INIT, also when repeated after COOKIE or INVALID_KE_PAYLOAD, has Message ID 0.
        uint id = exchange == ExchangeType.IkeSaInit ? 0 : _nextRequestId;
        var request = new IkeMessage(exchange, InitiatorSpi, exchange == ExchangeType.IkeSaInit ? 0 : ResponderSpi, id,
            IsInitiator ? IkeHeaderFlags.Initiator : IkeHeaderFlags.None);
        if (!Tasks.BuildRequest(request))
        {
            return new IkeSaResult([], DropReason.None, $"failed: {FailureNotify}", []);
        }

        IReadOnlyList<byte[]> outbound = Encode(request);
        if (exchange == ExchangeType.IkeSaInit)
        {
            InitRequest = outbound[0];
        }

        _pendingRequest = outbound;
        _pendingRequestId = id;
        _nextRequestId = id + 1;
        return new IkeSaResult(outbound, DropReason.None, null, []);
    }
}
