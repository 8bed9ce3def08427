using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa.Tasks;

namespace Concentrator.Ike.Sa;

/// <summary>IKE_AUTH with EAP (RFC 7296 §2.16) on the responder: an answer held while the EAP backend is asked
/// elsewhere (a RADIUS round trip), resumed with its reply; the conversation's time limit.</summary>
public sealed partial class IkeSa
{
    private HeldAuth? _heldAuth;

    /// <summary>An IKE_AUTH request whose answer waits for the EAP backend.</summary>
    private sealed record HeldAuth(byte[] Datagram, IkeHeader Header, IkeMessage Response, int ChildrenBefore);

    /// <summary>The virtual IPs the EAP backend assigned (RADIUS Framed-IP-Address, Framed-IPv6-Address), each asked of
    /// the allocator first for its family.</summary>
    public IReadOnlyList<System.Net.IPAddress> EapAssignedAddresses { get; internal set; } = [];

    /// <summary>The EAP backend's record of the authenticated session (<see cref="EapStep.Success.Backend"/>), or null.</summary>
    public object? EapBackend { get; internal set; }

    /// <summary>EAP-only authentication (RFC 5998) was used: the responder sent no CERT/AUTH of its own, the mutual EAP
    /// method and the MSK-based AUTH authenticated it (both roles).</summary>
    public bool EapOnly { get; internal set; }

    /// <summary>The responder is in an EAP conversation (between its first and its last IKE_AUTH response).</summary>
    public bool EapUnderWay => !IsInitiator && Tasks.EapUnderWay && State == IkeSaState.Connecting;

    /// <summary>An IKE_AUTH request waits for the EAP backend's answer (<see cref="ResumeEap"/>) or for revocation
    /// information (<see cref="ResumeVerification"/>).</summary>
    public bool AwaitingEap => _heldAuth is not null;

    /// <summary>The EAP backend's answer to the relay of the held request: the IKE_AUTH response is built and stored
    /// as if the request had just been processed (it answers its retransmissions from now on).</summary>
    public IkeSaResult ResumeEap(EapStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Resume(response => Tasks.ResumeAuth(step, response), "an EAP answer no IKE_AUTH request waits for");
    }

    /// <summary>What the AUTH check waited for is done (revocation information fetched into the node's cache): the
    /// check runs again and the held IKE_AUTH response is built, or held again for more.</summary>
    public IkeSaResult ResumeVerification() =>
        Resume(Tasks.ResumeVerification, "fetched revocation information no IKE_AUTH request waits for");

    private IkeSaResult Resume(Func<IkeMessage, IkeTaskStatus> resume, string nobodyWaits)
    {
        if (_heldAuth is not { } held || State != IkeSaState.Connecting)
        {
            return IkeSaResult.Dropped(DropReason.WrongState, nobodyWaits);
        }

        _heldAuth = null;
        IkeSa? rekeyedBefore = RekeyedTo;
        IkeTaskStatus status = resume(held.Response);
        return HoldOrDiscard(held.Datagram, held.Header, held.Response, held.ChildrenBefore)
            ?? Answer(held.Datagram, held.Header, held.Response, status, null, held.ChildrenBefore, rekeyedBefore);
    }

    /// <summary>The EAP conversation ran out of time while a request's answer is held for the backend (a RADIUS server
    /// that never answered): the peer waits for that answer, so it gets EAP-Failure (RFC 3748 §4.2), as strongSwan's
    /// eap-radius answers a RADIUS request that got no reply; the SA fails with the timeout as its reason.</summary>
    public IkeSaResult AnswerEapTimeout(string reason)
    {
        AuthFailure ??= Sa.AuthFailure.EapTimedOut;
        FailureReason ??= reason;
        return ResumeEap(new EapStep.Failure(reason));
    }

    /// <summary>The EAP conversation ran out of time with no request to answer (the peer's turn: it may be gone), or
    /// resuming failed: the SA fails without an answer.</summary>
    public void FailEap(string reason)
    {
        _heldAuth = null;
        AuthFailure ??= Sa.AuthFailure.EapTimedOut;
        FailureReason ??= reason;
        Fail(NotifyType.AuthenticationFailed);
    }

    /// <summary>RFC 7296 §2.21.2: an initiator that fails during IKE_AUTH "MAY" report it "in a separate INFORMATIONAL
    /// exchange" with AUTHENTICATION_FAILED; strongSwan does when its EAP method gives up (an MSCHAPv2 retry offer it
    /// does not take, a server it does not trust). During EAP that request, protected by the keys of this SA's own
    /// IKE_SA_INIT, ends the SA at once (acknowledged) instead of at eap-timeout. Null for any other request.</summary>
    private IkeSaResult? PeerEndedEap(ReadOnlyMemory<byte> datagram, IkeHeader header, IkeMessage request)
    {
        if (header.ExchangeType != ExchangeType.Informational || !EapUnderWay || request.GetNotify(NotifyType.AuthenticationFailed) is null)
        {
            return null;
        }

        AuthFailure ??= Sa.AuthFailure.EapFailed;
        FailureReason ??= "the peer ended the EAP conversation with AUTHENTICATION_FAILED (INFORMATIONAL)";
        Fail(NotifyType.AuthenticationFailed);
        IkeMessage ack = request.CreateResponse(senderIsOriginalInitiator: IsInitiator);
        return Answer(datagram, header, ack, IkeTaskStatus.Failed, FailureReason, _childSas.Count, RekeyedTo);
    }

    private IkeSaResult? HoldOrDiscard(ReadOnlyMemory<byte> datagram, IkeHeader header, IkeMessage response, int childrenBefore)
    {
        if (Tasks.AuthDiscarded is { } why)
        {
            // RFC 3748 §4.1: a response outside the conversation is silently discarded; the IKE request is left
            // unanswered, its Message ID not used up.
            return IkeSaResult.Dropped(DropReason.EapDiscarded, why);
        }

        if (Tasks.AuthPending is { } relay)
        {
            _heldAuth = new HeldAuth(datagram.ToArray(), header, response, childrenBefore);
            return new IkeSaResult([], DropReason.None, null, []) { EapRelay = relay };
        }

        return null;
    }

    private IkeSaResult HeldAuthDrop(ReadOnlyMemory<byte> datagram, IkeHeader header) =>
        header.MessageId == _expectedRequestId
            ? IkeSaResult.Dropped(DropReason.EapPending, $"request {header.MessageId} again while its answer is held (EAP backend or revocation fetch)")
            : IkeSaResult.Dropped(DropReason.OutOfWindow, $"request {header.MessageId} while request {_expectedRequestId} is held (EAP backend or revocation fetch)");
}
