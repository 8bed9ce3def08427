using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>The IKE SA actor between a real (in-memory) initiator and probes for the socket and kernel actors.</summary>
public sealed class IkeSaActorSetupTests : TestKit
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void Setup_KernelAcknowledges_AuthResponseLeavesOnlyAfterInstall()
    {
        using var h = new SaActorHarness(this);
        h.Deliver(h.RunInit());

        InstallChild install = h.Kernel.ExpectMsg<InstallChild>();
        h.Socket.ExpectNoMsg(Quiet);
        h.Kernel.Reply(new KernelDone(install.CorrelationId));
        IkeSaResult done = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);

        Assert.Equal(DropReason.None, done.Drop);
        Assert.Equal(IkeSaState.Established, h.Initiator.State);
        ChildSa client = Assert.Single(done.NewChildSas);
        // The kernel got the states of exactly the CHILD SA the client now uses: its outbound SPI is our inbound.
        Assert.Equal([client.OutboundSpi, client.InboundSpi], install.Sas.Select(s => s.Request.Spi));
        Assert.All(install.Sas, s => Assert.Equal(7u, s.Request.IfId));
        Assert.Equal(IPAddress.Parse("192.0.2.10"), install.Sas[0].Request.Source);
        Assert.Contains(install.Policies, p => p.Direction == PolicyDirection.Out
            && p.Selector.Destination == IPNetwork.Parse("10.99.0.1/32") && p.Selector.Source == IPNetwork.Parse("10.0.0.0/8"));
        IkeSaStatus status = h.Status();
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(1, status.InstalledChildSas);
        Assert.True(h.Spis.TryGet(status.ResponderSpi, out var routed));
        Assert.Equal(h.Actor, routed);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], status.VirtualIps);
    }

    [Fact]
    public void Setup_KernelFails_AnsweredThenIkeSaDeletedAndNothingLeftBehind()
    {
        using var h = new SaActorHarness(this);
        Watch(h.Actor);
        h.Deliver(h.RunInit());

        InstallChild install = h.Kernel.ExpectMsg<InstallChild>();
        h.Kernel.Reply(new KernelFailed(install.CorrelationId, Errnos.ENOBUFS, "full", "install"));

        // The IKE_AUTH exchange completes, and at once an INFORMATIONAL Delete takes the IKE SA back (RFC 7296 §1.4:
        // allowed once the initial exchanges are done): the client knows in one round trip, not by its own timeout.
        Assert.Equal(DropReason.None, h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        IkeSaResult answer = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(IkeSaState.Deleted, h.Initiator.State);
        h.Deliver(answer.Message!);

        // The SPI is unregistered, the virtual IP back in the pool, and no removal is needed (the kernel actor
        // rolled the failed install back itself).
        ExpectTerminated(h.Actor);
        Assert.Equal(0, h.Spis.Count);
        h.Kernel.ExpectNoMsg(Quiet);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], h.Allocator.Released);
    }

    [Fact]
    public void Setup_KernelSilent_TimesOutAnswersDeletesAndRemovesThePendingInstall()
    {
        using var h = new SaActorHarness(this, SaActorHarness.FastSettings with { KernelTimeout = TimeSpan.FromMilliseconds(200) });
        Watch(h.Actor);
        h.Deliver(h.RunInit());

        InstallChild install = h.Kernel.ExpectMsg<InstallChild>();

        // The answer and the Delete go out; the client never answers, so the retransmissions end it.
        Assert.Equal(DropReason.None, h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        Assert.Equal(IkeSaState.Established, h.Initiator.State);
        ExpectTerminated(h.Actor, TimeSpan.FromSeconds(5));
        h.ExpectAllRemoved();
        Assert.Equal(0, h.Spis.Count);
    }

    [Fact]
    public void Setup_AuthRetransmittedWhileInstalling_AnsweredIdenticallyAfterAckAndBounded()
    {
        using var h = new SaActorHarness(this);
        byte[] auth = h.RunInit();
        for (int i = 0; i < 20; i++)
        {
            h.Deliver(auth);
        }

        InstallChild install = h.Kernel.ExpectMsg<InstallChild>();
        h.Socket.ExpectNoMsg(Quiet);
        h.Kernel.Reply(new KernelDone(install.CorrelationId));
        byte[] first = h.NextSent();

        // The first copy was processed; of the 19 that came during the install 16 were kept and each answered with
        // the very same response (RFC 7296 §2.1), the other 3 dropped and counted.
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(first, h.NextSent());
        }

        h.Socket.ExpectNoMsg(Quiet);
        h.Kernel.ExpectNoMsg(Quiet);
        Assert.Equal(3, h.Status().DroppedWhileInstalling);
    }

    [Fact]
    public void Retransmission_OfAnsweredRequest_GetsIdenticalResponse()
    {
        using var h = new SaActorHarness(this);
        h.Deliver(h.Initiator.Initiate().Message!);
        byte[] initResponse = h.NextSent();
        byte[] initRequest = h.Initiator.PendingRequest![0];

        h.Deliver(initRequest);

        Assert.Equal(initResponse, h.NextSent());
        Assert.Equal(0, h.Status().Retransmissions);
    }

    [Fact]
    public void Datagram_Malformed_DroppedCountedAndSetupStillWorks()
    {
        using var h = new SaActorHarness(this);
        h.Deliver([1, 2, 3]);
        byte[] junk = new byte[64];
        junk[17] = 0x20; // version 2.0, but a length field of zero
        h.Deliver(junk);

        h.Socket.ExpectNoMsg(Quiet);
        IkeSaStatus status = h.Status();
        Assert.Equal(2, status.Drops[DropReason.Malformed]);
        Assert.Equal(0, status.InternalErrors);
        h.Establish();
        Assert.Equal(IkeSaState.Established, h.Status().State);
    }
}
