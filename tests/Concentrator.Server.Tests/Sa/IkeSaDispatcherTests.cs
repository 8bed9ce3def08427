using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Network;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

public sealed class IkeSaDispatcherTests : TestKit
{
    private (IActorRef Dispatcher, SpiTable Spis, Akka.TestKit.TestProbe Socket) Start(int cookieThreshold, CookieGenerator? cookies = null)
    {
        var spis = new SpiTable();
        var environment = new IkeSaEnvironment(new IkeSaServices(), CreateTestProbe().Ref, SaActorHarness.FastSettings)
        {
            Spis = spis,
        };
        var halfOpen = new HalfOpenSettings(cookieThreshold, int.MaxValue, int.MaxValue, TimeSpan.FromMinutes(1));
        return (Sys.ActorOf(IkeSaDispatcher.Props(SaActorHarness.ServerConfig(), environment, halfOpen, cookies: cookies)), spis, CreateTestProbe());
    }

    private static NewSa NewSa(byte[] message, IActorRef socket)
    {
        Assert.Equal(DatagramKind.Ike, DatagramClassifier.Classify(message, natT: false, out IkeHeader header, out _));
        return new NewSa(SaActorHarness.Datagram(message, socket) with { Header = header });
    }

    private IkeSaDispatcherStats Stats(IActorRef dispatcher)
    {
        dispatcher.Tell(GetIkeSaDispatcherStats.Instance);
        return ExpectMsg<IkeSaDispatcherStats>();
    }

    [Fact]
    public void NewSa_Retransmitted_SameSaAnswersIdentically()
    {
        var (dispatcher, spis, socket) = Start(cookieThreshold: 100);
        using var client = new SaActorHarness(this);
        byte[] init = client.Initiator.Initiate().Message!;

        dispatcher.Tell(NewSa(init, socket.Ref));
        byte[] first = socket.ExpectMsg<SendIke>().Message.ToArray();
        dispatcher.Tell(NewSa(init, socket.Ref));
        byte[] second = socket.ExpectMsg<SendIke>().Message.ToArray();

        Assert.Equal(first, second);
        Assert.Equal(new IkeSaDispatcherStats(HalfOpen: 1, Live: 1, Created: 1), Stats(dispatcher));
        Assert.Equal(1, spis.Count);
    }

    [Fact]
    public void NewSa_AtCookieThreshold_CookieDemandedThenSetupContinues()
    {
        var cookies = new CookieGenerator(TimeProvider.System, SystemRandomSource.Instance, TimeSpan.FromMinutes(2));
        var (dispatcher, spis, socket) = Start(cookieThreshold: 0, cookies);
        using var client = new SaActorHarness(this);

        dispatcher.Tell(NewSa(client.Initiator.Initiate().Message!, socket.Ref));
        IkeSaResult withCookie = client.Initiator.Process(socket.ExpectMsg<SendIke>().Message, SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        dispatcher.Tell(NewSa(withCookie.Message!, socket.Ref));
        IkeSaResult auth = client.Initiator.Process(socket.ExpectMsg<SendIke>().Message, SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);

        // The dispatcher answered COOKIE without creating anything; the one SA accepted the cookie and awaits IKE_AUTH.
        Assert.Equal(IkeSaState.Connecting, client.Initiator.State);
        Assert.NotNull(auth.Message);
        AwaitAssert(() => Assert.Equal(new IkeSaDispatcherStats(HalfOpen: 1, Live: 1, Created: 1), Stats(dispatcher)));
        Assert.Equal(1, spis.Count);
    }

    [Fact]
    public void DeleteAll_HalfOpenAndNone_AnsweredWhenEveryActorEnded()
    {
        var (dispatcher, spis, socket) = Start(cookieThreshold: 100);
        dispatcher.Tell(new DeleteAllIkeSas("shutdown"));
        Assert.Equal(0, ExpectMsg<AllIkeSasEnded>().Deleted);

        using var first = new SaActorHarness(this, clientSeed: 1);
        using var second = new SaActorHarness(this, clientSeed: 2);
        dispatcher.Tell(NewSa(first.Initiator.Initiate().Message!, socket.Ref));
        dispatcher.Tell(NewSa(second.Initiator.Initiate().Message!, socket.Ref));
        socket.ExpectMsg<SendIke>();
        socket.ExpectMsg<SendIke>();

        dispatcher.Tell(new DeleteAllIkeSas("shutdown"));

        // Half-open SAs have nobody to send a Delete to (RFC 7296 §1.4: no INFORMATIONAL before IKE_AUTH): they
        // just end, and the answer comes once both actors have stopped and unregistered their SPIs.
        Assert.Equal(2, ExpectMsg<AllIkeSasEnded>().Deleted);
        Assert.Equal(0, spis.Count);
        Assert.Equal(new IkeSaDispatcherStats(HalfOpen: 0, Live: 0, Created: 2), Stats(dispatcher));
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
