using Akka.TestKit.Xunit2;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Network;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>A replayed request (anyone on the path can resend what the peer sent) gets the stored response again
/// (RFC 7296 §2.1) but proves nothing: it neither moves the socket the SA answers through nor counts as the peer
/// being alive for DPD.</summary>
public sealed class IkeSaActorReplayTests : TestKit
{
    /// <summary>Sets the SA up and returns the IKE_AUTH request the responder answered.</summary>
    private static byte[] EstablishKeepingAuth(SaActorHarness h)
    {
        byte[] auth = h.RunInit();
        h.Deliver(auth);
        InstallChild install = h.Kernel.ExpectMsg<InstallChild>();
        h.Kernel.Reply(new KernelDone(install.CorrelationId));
        Assert.Equal(DropReason.None, h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        return auth;
    }

    [Fact]
    public void Replay_OfAnsweredRequestOnAnotherSocket_AnsweredThroughTheSasOwnSocket()
    {
        var settings = SaActorHarness.FastSettings with { Retransmit = new RetransmitSettings(TimeSpan.FromSeconds(5), 2, 1.0) };
        using var h = new SaActorHarness(this, settings);
        byte[] auth = EstablishKeepingAuth(h);
        var elsewhere = CreateTestProbe();

        h.Actor.Tell(SaActorHarness.Datagram(auth, elsewhere.Ref), TestActor);
        byte[] resent = h.NextSent();

        Assert.True(IkeHeader.Read(resent).IsResponse);
        elsewhere.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        // Later requests of the SA leave through its socket too.
        h.Actor.Tell(new DeleteIkeSa("test"), TestActor);
        Assert.Equal(ExchangeType.Informational, IkeHeader.Read(h.NextSent()).ExchangeType);
        elsewhere.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Replay_BeforeDpdIsDue_DoesNotPostponeTheLivenessCheck()
    {
        var settings = SaActorHarness.FastSettings with
        {
            DpdDelay = TimeSpan.FromSeconds(2),
            Retransmit = new RetransmitSettings(TimeSpan.FromSeconds(5), 2, 1.0),
        };
        using var h = new SaActorHarness(this, settings);
        byte[] auth = EstablishKeepingAuth(h);

        Thread.Sleep(TimeSpan.FromMilliseconds(1200));
        h.Deliver(auth);
        Assert.True(IkeHeader.Read(h.NextSent()).IsResponse);

        // Due 2 s after the last authentic message; a replay at 1.2 s would have moved it to 3.2 s.
        SendIke probe = h.Socket.ExpectMsg<SendIke>(TimeSpan.FromMilliseconds(1400));
        IkeHeader header = IkeHeader.Read(probe.Message.Span);
        Assert.Equal(ExchangeType.Informational, header.ExchangeType);
        Assert.False(header.IsResponse);
    }

    [Fact]
    public void Retransmission_WhileTheKernelInstalls_StashedAndAnsweredAfterTheResponse()
    {
        var settings = SaActorHarness.FastSettings with { Retransmit = new RetransmitSettings(TimeSpan.FromSeconds(5), 2, 1.0) };
        using var h = new SaActorHarness(this, settings);
        byte[] auth = h.RunInit();
        h.Deliver(auth);
        InstallChild install = h.Kernel.ExpectMsg<InstallChild>();

        // The SA holds its IKE_AUTH answer until the CHILD SA is in: the peer's retransmission waits in the stash (made
        // on this first use, issue 13) and is answered with the stored response once the kernel is done.
        h.Deliver(auth);
        h.Kernel.Reply(new KernelDone(install.CorrelationId));
        byte[] response = h.NextSent();
        byte[] resent = h.NextSent();

        Assert.True(IkeHeader.Read(response).IsResponse);
        Assert.Equal(response, resent);
        Assert.Equal(DropReason.None, h.Initiator.Process(response, SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        Assert.Equal(IkeSaState.Established, h.Status().State);
    }
}
