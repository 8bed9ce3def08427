using System.Net;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Tasks;

namespace Concentrator.Ike.Sa;

/// <summary>The requests this SA answers: the window, retransmissions, and the task manager's response.</summary>
public sealed partial class IkeSa
{
    /// <summary>Any datagram for this SA: requests go to <see cref="ProcessRequest"/>, responses to
    /// <see cref="ProcessResponse"/>. Never throws for what the peer sent.</summary>
    public IkeSaResult Process(ReadOnlyMemory<byte> datagram, IPEndPoint remote, IPEndPoint local)
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

        return header.IsResponse ? ProcessResponse(datagram, remote, local) : ProcessRequest(datagram, remote, local);
    }

    /// <summary>
    /// A request from the peer: the response to send, the stored response again for a retransmission
    /// (RFC 7296 §2.1), or a drop. COOKIEs (RFC 7296 §2.6) are the caller's business: an IKE_SA_INIT that reaches
    /// an SA has been admitted already, statelessly.
    /// </summary>
    public IkeSaResult ProcessRequest(ReadOnlyMemory<byte> datagram, IPEndPoint remote, IPEndPoint local)
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

        if (header.IsResponse)
        {
            return IkeSaResult.Dropped(DropReason.WrongState, "a response where a request was expected");
        }

        bool first = !IsInitiator && State == IkeSaState.Created && _lastResponse is null;
        if (first)
        {
            // RFC 7296 §2.2/§3.1: the first request is IKE_SA_INIT, Message ID 0, SPIr zero, from the initiator.
            if (header.ExchangeType != ExchangeType.IkeSaInit || header.MessageId != 0 || header.ResponderSpi != 0
                || !header.IsFromInitiator)
            {
                return IkeSaResult.Dropped(DropReason.WrongState, $"first request is {header.ExchangeType} {header.MessageId}");
            }

            InitiatorSpi = header.InitiatorSpi;
            RemoteEndpoint = remote;
            LocalEndpoint = local;
        }
        else if (header.InitiatorSpi != InitiatorSpi
            || (header.ResponderSpi != ResponderSpi && !(header.ExchangeType == ExchangeType.IkeSaInit && header.ResponderSpi == 0)))
        {
            return IkeSaResult.Dropped(DropReason.WrongSpi, "SPIs of another SA");
        }
        else if (header.MessageId == _expectedRequestId - 1 && _lastResponse is not null)
        {
            // RFC 7296 §2.1: a retransmitted request is answered with the very same response, not processed again
            // (also after the SA failed or was deleted by it: the peer may have missed that answer). A different
            // request under the same Message ID is not a retransmission.
            return IsRetransmission(datagram, header)
                ? new IkeSaResult(_lastResponse, DropReason.None, "retransmitted response", []) { Retransmitted = true }
                : IkeSaResult.Dropped(DropReason.OutOfWindow, $"request {header.MessageId} differs from the one answered");
        }
        else if (_heldAuth is not null)
        {
            // The EAP backend has not answered the request in hand: there is no response to resend yet.
            return HeldAuthDrop(datagram, header);
        }
        else if (State is IkeSaState.Failed or IkeSaState.Deleted)
        {
            return IkeSaResult.Dropped(DropReason.WrongState, $"SA is {State}");
        }
        else if (header.MessageId != _expectedRequestId)
        {
            // RFC 7296 §2.3: a request outside the window is dropped.
            return IkeSaResult.Dropped(DropReason.OutOfWindow, $"request {header.MessageId}, expected {_expectedRequestId}");
        }

        IkeSaResult? drop = Open(datagram, header, out IkeMessage? request, out IkeProtocolException? error);
        if (drop is not null)
        {
            return drop;
        }

        if (PeerEndedEap(datagram, header, request!) is { } ended)
        {
            return ended;
        }

        if (!ExchangeAllowed(header.ExchangeType))
        {
            return IkeSaResult.Dropped(DropReason.WrongState, $"{header.ExchangeType} request while {State}");
        }

        if (first)
        {
            InitRequest = datagram.ToArray();
        }
        else
        {
            FollowNat(remote, local);
        }

        int childrenBefore = _childSas.Count;
        IkeSa? rekeyedBefore = RekeyedTo;
        IkeMessage response = request!.CreateResponse(senderIsOriginalInitiator: IsInitiator);
        IkeTaskStatus status;
        string? detail = null;
        if (error is not null)
        {
            response.Payloads.Add(new NotifyPayload(error.Notify, error.NotifyData));
            status = IkeTaskStatus.Failed;
            detail = error.Message;
            Fail(error.Notify);
        }
        else
        {
            try
            {
                status = Tasks.Respond(request, response);
            }
            catch (IkeProtocolException ex) when (header.ExchangeType == ExchangeType.IkeSaInit)
            {
                // RFC 7296 §2.21.1: an unprotected message with bad content gets no answer.
                Fail(ex.Notify);
                return IkeSaResult.Dropped(DropReason.InvalidUnprotected, ex.Message);
            }
            catch (IkeProtocolException ex)
            {
                // An authenticated request whose content a task finds malformed (a key exchange value of the wrong
                // length, say): RFC 7296 §2.21.2 answers it with the Notify alone, INVALID_SYNTAX unless the problem
                // has its own, and the SA is not used further. Whatever the task had put in the answer is dropped.
                response = request.CreateResponse(senderIsOriginalInitiator: IsInitiator);
                response.Payloads.Add(new NotifyPayload(ex.Notify, ex.NotifyData));
                status = IkeTaskStatus.Failed;
                detail = ex.Message;
                Fail(ex.Notify);
            }
        }

        if (header.ExchangeType == ExchangeType.IkeAuth && HoldOrDiscard(datagram, header, response, childrenBefore) is { } held)
        {
            return held;
        }

        return Answer(datagram, header, response, status, detail, childrenBefore, rekeyedBefore);
    }

    private IkeSaResult Answer(ReadOnlyMemory<byte> datagram, IkeHeader header, IkeMessage response, IkeTaskStatus status, string? detail,
        int childrenBefore, IkeSa? rekeyedBefore)
    {
        // RFC 7296 §2.6: the IKE_SA_INIT response names our SPI, except an error answer, which creates no
        // state and carries SPIr zero.
        response.ResponderSpi = header.ExchangeType == ExchangeType.IkeSaInit && status == IkeTaskStatus.Failed ? 0 : ResponderSpi;

        IReadOnlyList<byte[]> outbound = Encode(response);
        if (header.ExchangeType == ExchangeType.IkeSaInit)
        {
            InitResponse = outbound[0];
        }

        _lastResponse = outbound;
        _lastRequestHash = System.Security.Cryptography.SHA256.HashData(datagram.Span);
        if (State == IkeSaState.Established)
        {
            ReleaseInitMessages();
        }

        _expectedRequestId++;
        return new IkeSaResult(outbound, DropReason.None, detail ?? (status == IkeTaskStatus.Failed ? $"failed: {FailureNotify}" : null),
            _childSas.Skip(childrenBefore).ToList())
        {
            Rekeyed = ReferenceEquals(RekeyedTo, rekeyedBefore) ? null : RekeyedTo,
        };
    }

    /// <summary>The same octets as the request last answered; for a fragmented request, an authentic first fragment
    /// of it (RFC 7383 §2.6.1: only a fragment numbered 1 triggers the resent response, and like every fragment it
    /// is acted upon only once its ICV verified, §2.6.2: a forged "fragment 1" must not make us resend).</summary>
    private bool IsRetransmission(ReadOnlyMemory<byte> datagram, IkeHeader header)
    {
        ReadOnlySpan<byte> span = datagram.Span;
        if (span.Length > IkeConstants.HeaderLength + IkeConstants.FragmentPayloadHeaderLength
            && header.NextPayload == PayloadType.EncryptedFragment)
        {
            return IsAuthenticFirstFragment(datagram);
        }

        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(span, hash);
        return hash.SequenceEqual(_lastRequestHash);
    }

    private bool IsAuthenticFirstFragment(ReadOnlyMemory<byte> datagram)
    {
        if (Ciphers is null)
        {
            return false;
        }

        try
        {
            // A fresh parse: checking the ICV here touches no reassembly in progress.
            IkeMessage fragment = IkeMessage.Parse(datagram);
            return fragment.Payloads.Count > 0 && fragment.Payloads[^1] is EncryptedFragmentPayload { FragmentNumber: 1 }
                && fragment.TryDecrypt(Ciphers.Inbound);
        }
        catch (IkeProtocolException)
        {
            return false;
        }
    }

    private bool ExchangeAllowed(ExchangeType exchange) => exchange switch
    {
        ExchangeType.IkeSaInit => !IsInitiator && State == IkeSaState.Created,
        ExchangeType.IkeAuth => !IsInitiator && State == IkeSaState.Connecting,
        // A CREATE_CHILD_SA while we delete the SA is answered (TEMPORARY_FAILURE, RFC 7296 §2.25.2), not dropped.
        ExchangeType.CreateChildSa => State is IkeSaState.Established or IkeSaState.Deleting,
        // RFC 7296 §1.4: "INFORMATIONAL exchanges MUST ONLY occur after the initial exchanges": before IKE_AUTH
        // completed (either role) one is dropped, not answered.
        ExchangeType.Informational => State is IkeSaState.Established or IkeSaState.Deleting,
        _ => false,
    };
}
