using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>INFORMATIONAL exchanges after setup: liveness checks and deletes, from either side.</summary>
public class InformationalTests
{
    private const string Ike = "aes256-sha256-ecp256";

    private static (IkeSaResult Answer, IkeSaResult Final) Exchange(SaPair pair, IkeSa from, IkeSaResult request)
    {
        IkeSa to = ReferenceEquals(from, pair.Initiator) ? pair.Responder : pair.Initiator;
        IkeSaResult answer = to.Process(request.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        IkeSaResult final = from.Process(answer.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        return (answer, final);
    }

    [Fact]
    public void Dpd_FromInitiator_EmptyResponseAndNextMessageId()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();

        IkeSaResult request = pair.Initiator.InitiateDpd();
        (IkeSaResult answer, IkeSaResult final) = Exchange(pair, pair.Initiator, request);

        Assert.Equal(2u, IkeMessage.Parse(request.Message!).MessageId);
        Assert.Equal(DropReason.None, final.Drop);
        Assert.Null(pair.Initiator.PendingRequest);
        IkeMessage response = IkeMessage.Parse(answer.Message!);
        Assert.True(response.IsResponse);
        Assert.Equal(ExchangeType.Informational, response.ExchangeType);
    }

    [Fact]
    public void Dpd_FromResponder_UsesItsOwnMessageIdsAndNoInitiatorFlag()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();

        IkeSaResult request = pair.Responder.InitiateDpd();
        IkeMessage parsed = IkeMessage.Parse(request.Message!);
        IkeSaResult answer = pair.Initiator.Process(request.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult final = pair.Responder.Process(answer.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(0u, parsed.MessageId);
        Assert.False(parsed.IsFromInitiator);
        Assert.True(IkeMessage.Parse(answer.Message!).IsFromInitiator);
        Assert.Equal(DropReason.None, final.Drop);
        Assert.Null(pair.Responder.PendingRequest);
    }

    [Fact]
    public void Delete_IkeSaFromInitiator_BothDeletedAndChildSasUninstalled()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        IkeSa responder = pair.Responder;

        IkeSaResult request = pair.Initiator.InitiateDelete();
        IkeSaResult answer = responder.Process(request.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        pair.Initiator.Process(answer.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        Assert.Equal(IkeSaState.Deleted, responder.State);
        Assert.Equal(IkeSaState.Deleted, pair.Initiator.State);
        Assert.Empty(responder.ChildSas);
        Assert.Same(pair.ResponderInstalled[0], Assert.Single(pair.ResponderUninstalled));
    }

    [Fact]
    public void Delete_ChildSaFromInitiator_ResponderAnswersWithItsInboundSpi()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike);
        pair.Run();
        ChildSa child = pair.Initiator.ChildSas[0];

        IkeSaResult request = pair.Initiator.InitiateChildDelete(child);
        (IkeSaResult answer, _) = Exchange(pair, pair.Initiator, request);

        Assert.Empty(pair.Initiator.ChildSas);
        Assert.Empty(pair.Responder.ChildSas);
        Assert.Single(pair.ResponderUninstalled);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        // The answer is encrypted; its Delete names the responder's inbound SPI, i.e. our outbound one.
        Assert.Equal(DropReason.None, answer.Drop);
        Assert.NotEqual(0u, child.OutboundSpi);
    }
}
