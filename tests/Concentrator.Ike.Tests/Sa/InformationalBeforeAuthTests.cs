using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>RFC 7296 §1.4: "INFORMATIONAL exchanges MUST ONLY occur after the initial exchanges", on both roles.</summary>
public class InformationalBeforeAuthTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    /// <summary>An empty INFORMATIONAL request sealed with <paramref name="sender"/>'s keys: authentic, only early.</summary>
    private static byte[] Informational(IkeSa sender, uint messageId)
    {
        var message = new IkeMessage(ExchangeType.Informational, sender.InitiatorSpi, sender.ResponderSpi, messageId,
            sender.IsInitiator ? IkeHeaderFlags.Initiator : IkeHeaderFlags.None);
        message.Payloads.Add(new EncryptedPayload([]));
        return message.ToEncryptedArray(sender.Ciphers!.Outbound);
    }

    [Fact]
    public void Informational_ToHalfOpenResponder_DroppedUnanswered()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        IkeSaResult initResponse = pair.Responder.Process(pair.Initiator.Initiate().Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        byte[] auth = pair.Initiator.Process(initResponse.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint).Message!;

        IkeSaResult result = pair.Responder.Process(Informational(pair.Initiator, 1), SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.WrongState, result.Drop);
        Assert.Empty(result.Outbound);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        Assert.False(pair.Responder.Process(auth, SaPair.ClientEndpoint, SaPair.ServerEndpoint).IsDropped);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
    }

    [Fact]
    public void Informational_ToInitiatorAwaitingIkeAuthResponse_DroppedUnanswered()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        IkeSaResult initResponse = pair.Responder.Process(pair.Initiator.Initiate().Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        pair.Initiator.Process(initResponse.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        IkeSaResult result = pair.Initiator.Process(Informational(pair.Responder, 0), SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        Assert.Equal(DropReason.WrongState, result.Drop);
        Assert.Empty(result.Outbound);
        Assert.Equal(IkeSaState.Connecting, pair.Initiator.State);
    }

    [Fact]
    public void InitiateDpd_BeforeIkeAuthCompleted_Refused()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        IkeSaResult initResponse = pair.Responder.Process(pair.Initiator.Initiate().Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Throws<InvalidOperationException>(() => pair.Responder.InitiateDpd());
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        Assert.NotNull(initResponse.Message);
    }
}
