using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>RFC 5685 on SAs with keys, our client tasks against our gateway tasks: REDIRECT in IKE_AUTH (§6) and in
/// an INFORMATIONAL of an established SA (§5).</summary>
public class RedirectTests
{
    private const string Ike = "aes256-sha256-ecp256";
    private static readonly IPAddress Target = IPAddress.Parse("198.51.100.2");

    [Fact]
    public void IkeAuth_ClientFollowsRedirects_AuthenticatedThenRedirectedWithoutChildSaOrLease()
    {
        var pool = new ListAllocator("10.99.0.1");
        using SaPair pair = SaPair.RoadWarrior(Ike, allocator: pool, clientFollowsRedirects: true, redirectInAuth: Target);
        pair.Run();

        // §6: the gateway verified the client's AUTH and the client the gateway's before the REDIRECT is acted on.
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal("client@example.org", pair.Responder.RemoteIdentity!.ToString());
        Assert.Equal(Target, pair.Responder.RedirectedTo);
        Assert.Equal(Target, pair.Initiator.RedirectedTo);
        Assert.Empty(pair.Responder.ChildSas);
        Assert.Empty(pair.Initiator.ChildSas);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pool.Allocations);
        Assert.Empty(pair.Responder.VirtualIps);
    }

    [Fact]
    public void IkeAuth_RedirectedClientDeletes_BothSidesDeleted()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, clientFollowsRedirects: true, redirectInAuth: Target);
        pair.Run();

        // §6: the client, told where to go, deletes the IKE SA with the old gateway.
        IkeSaResult delete = pair.Initiator.InitiateDelete();
        IkeSaResult answer = pair.Responder.Process(delete.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        pair.Initiator.Process(answer.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        Assert.Equal(IkeSaState.Deleted, pair.Responder.State);
        Assert.Equal(IkeSaState.Deleted, pair.Initiator.State);
    }

    [Fact]
    public void IkeAuth_ClientWithoutRedirectSupported_ServedHere()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, clientFollowsRedirects: false, redirectInAuth: Target);
        pair.Run();

        Assert.Null(pair.Responder.RedirectedTo);
        Assert.Null(pair.Initiator.RedirectedTo);
        Assert.Single(pair.Responder.ChildSas);
        Assert.Single(pair.Initiator.ChildSas);
    }

    [Fact]
    public void IkeAuth_NoGatewayHandedIn_ServedHereAndPeerRemembersSupport()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, clientFollowsRedirects: true);
        pair.Run();

        Assert.True(pair.Responder.PeerFollowsRedirects);
        Assert.Null(pair.Initiator.RedirectedTo);
        Assert.Single(pair.Responder.ChildSas);
    }

    [Fact]
    public void Informational_EstablishedClientFollowsRedirects_ToldWhereToGoAndAnswersEmpty()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, clientFollowsRedirects: true);
        pair.Run();

        IkeSaResult request = pair.Responder.InitiateRedirect(Target);
        IkeSaResult answer = pair.Initiator.Process(request.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult final = pair.Responder.Process(answer.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(ExchangeType.Informational, IkeMessage.Parse(request.Message!).ExchangeType);
        Assert.Equal(Target, pair.Initiator.RedirectedTo);
        Assert.Equal(Target, pair.Responder.RedirectedTo);
        Assert.Equal(DropReason.None, final.Drop);
        Assert.Null(pair.Responder.PendingRequest);
        // §5: the old SA stays until the client deletes it (after it has moved).
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Single(pair.Initiator.ChildSas);
    }

    [Fact]
    public void Informational_ClientThatDidNotAnnounceSupport_IgnoresRedirect()
    {
        using SaPair pair = SaPair.RoadWarrior(Ike, clientFollowsRedirects: false);
        pair.Run();

        IkeSaResult request = pair.Responder.InitiateRedirect(Target);
        pair.Initiator.Process(request.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        Assert.False(pair.Responder.PeerFollowsRedirects);
        Assert.Null(pair.Initiator.RedirectedTo);
    }
}
