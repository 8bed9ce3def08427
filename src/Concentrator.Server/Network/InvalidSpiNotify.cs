using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Server.Network;

/// <summary>
/// The answer to a request for an IKE SA we do not know (RFC 7296 §2.21.4, §1.5): typically a client still using
/// the SPIs of a gateway that restarted. Built from the request's header alone, no state.
/// </summary>
public static class InvalidSpiNotify
{
    /// <summary>The unprotected N(INVALID_IKE_SPI) response to <paramref name="request"/>, or null when it must not
    /// be answered.</summary>
    public static byte[]? For(IkeHeader request)
    {
        // RFC 7296 §2.21.4: "If the message is marked as a response, the node can audit the suspicious event but
        // MUST NOT respond."
        if (request.IsResponse)
        {
            return null;
        }

        // RFC 7296 §1.5: "the message sent is a response message, and thus it is sent to the IP address and port from
        // whence it came with the same IKE SPIs and the Message ID and Exchange Type are copied. The Response bit is
        // set to 1"; §2.21.4: it "MUST NOT be cryptographically protected and MUST contain an INVALID_IKE_SPI Notify
        // payload". The I flag names the original initiator (§3.1): the peer's request had it, so ours has not.
        var flags = IkeHeaderFlags.Response | (request.IsFromInitiator ? IkeHeaderFlags.None : IkeHeaderFlags.Initiator);
        var response = new IkeMessage(request.ExchangeType, request.InitiatorSpi, request.ResponderSpi, request.MessageId, flags);
        response.Payloads.Add(new NotifyPayload(NotifyType.InvalidIkeSpi));
        return response.ToArray();
    }
}
