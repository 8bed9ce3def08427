using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>What a failed EAP conversation puts on the wire (RFC 3748 §4.2, as strongSwan's responder): the last
/// IKE_AUTH response carries EAP-Failure with the Identifier of the EAP response it answers, and no
/// N(AUTHENTICATION_FAILED); our initiator takes it as authentication failed.</summary>
internal static class EapFailureAnswer
{
    /// <summary>Asserts the last exchange of <paramref name="pair"/> ended in EAP-Failure; returns the response.</summary>
    public static IkeMessage AssertEnded(SaPair pair)
    {
        Assert.False(pair.Wire[^1].FromInitiator, "the responder answered last");
        IkeMessage response = Open(pair.Wire[^1].Datagram, pair.Initiator);
        IkeMessage request = Open(pair.Wire[^2].Datagram, pair.Responder);
        AssertFailure(response, request);
        Assert.Equal(IkeSaState.Failed, pair.Initiator.State);
        Assert.Equal(AuthFailure.EapFailed, pair.Initiator.AuthFailure);
        Assert.Contains("EAP-Failure", pair.Initiator.FailureReason, StringComparison.Ordinal);
        return response;
    }

    /// <summary>Asserts <paramref name="response"/> holds EAP-Failure answering the EAP response in
    /// <paramref name="request"/> (the first IKE_AUTH request has none: then any Identifier).</summary>
    public static EapPacket AssertFailure(IkeMessage response, IkeMessage request)
    {
        Assert.DoesNotContain(response.GetAll<NotifyPayload>(), n => n.NotifyType == NotifyType.AuthenticationFailed);
        EapPayload eap = Assert.IsType<EapPayload>(response.Get<EapPayload>());
        Assert.True(EapPacket.TryParse(eap.Message, out EapPacket failure, out string? problem), problem);
        Assert.Equal(EapCode.Failure, failure.Code);
        if (request.Get<EapPayload>() is { } answered)
        {
            Assert.True(EapPacket.TryParse(answered.Message, out EapPacket peer, out _));
            Assert.Equal(EapCode.Response, peer.Code);
            // RFC 3748 §4.2: the Failure's Identifier is the Response's it answers.
            Assert.Equal(peer.Identifier, failure.Identifier);
        }

        return failure;
    }

    /// <summary>An IKE_AUTH message decrypted with the keys of <paramref name="receiver"/>.</summary>
    public static IkeMessage Open(byte[] datagram, IkeSa receiver)
    {
        IkeMessage message = IkeMessage.Parse(datagram);
        Assert.True(message.TryDecrypt(receiver.Ciphers!.Inbound));
        return message;
    }
}
