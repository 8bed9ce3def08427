using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Network;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>A cluster node's dispatcher: closed until the node is Up (NodeBlocksActor opens it), closed again when it
/// leaves; closed, a new IKE_SA_INIT creates nothing and is not answered.</summary>
public sealed class IkeSaDispatcherAdmissionTests : TestKit
{
    private IActorRef Start(bool admitting)
    {
        var environment = new IkeSaEnvironment(new IkeSaServices(), CreateTestProbe().Ref, SaActorHarness.FastSettings) { Spis = new SpiTable() };
        var halfOpen = new HalfOpenSettings(100, int.MaxValue, int.MaxValue, TimeSpan.FromMinutes(1));
        return Sys.ActorOf(IkeSaDispatcher.Props(SaActorHarness.ServerConfig(), environment, halfOpen, admitting: admitting));
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
    public void NewSa_ClosedThenOpened_IgnoredAndCountedThenAnswered()
    {
        var dispatcher = Start(admitting: false);
        var socket = CreateTestProbe();
        using var client = new SaActorHarness(this);
        byte[] init = client.Initiator.Initiate().Message!;

        dispatcher.Tell(NewSa(init, socket.Ref));
        var closed = Stats(dispatcher);
        Assert.Equal(0, closed.Created);
        Assert.Equal(1, closed.NotAdmitted);
        Assert.False(socket.HasMessages);

        dispatcher.Tell(new SetAdmission(true, "member Up"));
        dispatcher.Tell(NewSa(init, socket.Ref));

        Assert.Equal(init.AsSpan(0, 8).ToArray(), socket.ExpectMsg<SendIke>().Message.Slice(0, 8).ToArray());
        Assert.Equal(1, Stats(dispatcher).Created);
    }

    [Fact]
    public void NewSa_ClosedAfterServing_NewOnesIgnoredHalfOpenKept()
    {
        var dispatcher = Start(admitting: true);
        var socket = CreateTestProbe();
        using var first = new SaActorHarness(this, clientSeed: 1);
        using var second = new SaActorHarness(this, clientSeed: 2);
        dispatcher.Tell(NewSa(first.Initiator.Initiate().Message!, socket.Ref));
        socket.ExpectMsg<SendIke>();

        dispatcher.Tell(new SetAdmission(false, "this node is Leaving"));
        dispatcher.Tell(NewSa(second.Initiator.Initiate().Message!, socket.Ref));

        var stats = Stats(dispatcher);
        Assert.Equal(1, stats.Created);
        Assert.Equal(1, stats.HalfOpen);
        Assert.Equal(1, stats.NotAdmitted);
    }

    [Fact]
    public void NewSa_RedirectSet_OnlyClientsThatSupportItAndWereNotRedirectedAreSentThere()
    {
        var dispatcher = Start(admitting: true);
        var socket = CreateTestProbe();
        dispatcher.Tell(new SetRedirect(System.Net.IPAddress.Parse("192.0.2.12"), "this node drains"));
        var supports = InitRequests.Message(0x1111);
        supports.Payloads.Add(new Concentrator.Ike.Encoding.Payloads.NotifyPayload(Concentrator.Ike.NotifyType.RedirectSupported));
        var redirected = InitRequests.Message(0x2222);
        redirected.Payloads.Add(new Concentrator.Ike.Encoding.Payloads.NotifyPayload(Concentrator.Ike.NotifyType.RedirectedFrom,
            Concentrator.Ike.Encoding.Payloads.RedirectNotifyData.For(System.Net.IPAddress.Parse("192.0.2.13")).ToArray()));

        dispatcher.Tell(NewSa(supports.ToArray(), socket.Ref));
        var answer = Concentrator.Ike.Encoding.IkeMessage.Parse(socket.ExpectMsg<SendIke>().Message);
        var notify = Assert.IsType<Concentrator.Ike.Encoding.Payloads.NotifyPayload>(Assert.Single(answer.Payloads));
        Assert.Equal(Concentrator.Ike.NotifyType.Redirect, notify.NotifyType);
        Assert.Equal(System.Net.IPAddress.Parse("192.0.2.12"), Concentrator.Ike.Encoding.Payloads.RedirectNotifyData.Parse(notify.Data).Address);
        Assert.Equal(0, Stats(dispatcher).Created);

        // Redirected once already (REDIRECTED_FROM): served here, as is a client without REDIRECT_SUPPORTED.
        dispatcher.Tell(NewSa(redirected.ToArray(), socket.Ref));
        dispatcher.Tell(NewSa(InitRequests.Bytes(0x3333), socket.Ref));
        var stats = Stats(dispatcher);
        Assert.Equal(2, stats.Created);
        Assert.Equal(1, stats.Redirected);
    }
}
