using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>Half-open limit, retransmission and dead peer detection, with real timeouts of a few 100 ms.</summary>
public sealed class IkeSaActorTimerTests : TestKit
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void HalfOpen_NoAuthWithinTimeout_ActorStopsAndFreesSpi()
    {
        using var h = new SaActorHarness(this, SaActorHarness.FastSettings with { HalfOpenTimeout = TimeSpan.FromSeconds(1) });
        Watch(h.Actor);
        h.RunInit();

        ExpectTerminated(h.Actor, TimeSpan.FromSeconds(3));

        Assert.Equal(0, h.Spis.Count);
        h.Kernel.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void HalfOpen_EstablishedInTime_ActorStays()
    {
        using var h = new SaActorHarness(this, SaActorHarness.FastSettings with { HalfOpenTimeout = TimeSpan.FromSeconds(2) });
        Watch(h.Actor);
        h.Establish();

        ExpectNoMsg(TimeSpan.FromSeconds(2.5));

        Assert.Equal(IkeSaState.Established, h.Status().State);
    }

    [Fact]
    public void Dpd_PeerSilent_RetransmitsWithBackoffThenRemovesState()
    {
        var settings = SaActorHarness.FastSettings with
        {
            DpdDelay = TimeSpan.FromMilliseconds(200),
            Retransmit = new RetransmitSettings(TimeSpan.FromMilliseconds(100), 2, 4.0),
        };
        using var h = new SaActorHarness(this, settings);
        Watch(h.Actor);
        InstallChild install = h.Establish();

        byte[] probe = h.NextSent();
        var sentAt = DateTime.UtcNow;
        byte[] first = h.NextSent();
        var firstAt = DateTime.UtcNow;
        byte[] second = h.NextSent();
        var secondAt = DateTime.UtcNow;

        // RFC 7296 §2.1: retransmissions are the very same octets; the waits grow 100 ms, 400 ms (base 4).
        Assert.Equal(probe, first);
        Assert.Equal(probe, second);
        Assert.True(secondAt - firstAt > firstAt - sentAt, $"waits {firstAt - sentAt} then {secondAt - firstAt}");
        ExpectTerminated(h.Actor, TimeSpan.FromSeconds(3));
        h.ExpectAllRemoved();
        Assert.Equal([IPAddress.Parse("10.99.0.1")], h.Allocator.Released);
        Assert.Equal(0, h.Spis.Count);
    }

    [Fact]
    public void Dpd_PeerSilentPastDpdTimeout_RemovedBeforeRetransmissionsRunOut()
    {
        // Retransmissions alone would declare the peer dead after 2 s × 5 = 10 s; the DPD timeout ends it at 0.5 s,
        // so stopping within 3 s can only be the timeout's doing.
        var settings = SaActorHarness.FastSettings with
        {
            DpdDelay = TimeSpan.FromMilliseconds(200),
            DpdTimeout = TimeSpan.FromMilliseconds(500),
            Retransmit = new RetransmitSettings(TimeSpan.FromSeconds(2), 4, 1.0),
        };
        using var h = new SaActorHarness(this, settings);
        Watch(h.Actor);
        InstallChild install = h.Establish();

        h.NextSent();
        ExpectTerminated(h.Actor, TimeSpan.FromSeconds(3));

        h.ExpectAllRemoved();
        Assert.Equal([IPAddress.Parse("10.99.0.1")], h.Allocator.Released);
    }

    [Fact]
    public void Dpd_PeerAnswers_NoRetransmissionAndNextProbeIsNew()
    {
        var settings = SaActorHarness.FastSettings with
        {
            DpdDelay = TimeSpan.FromMilliseconds(300),
            Retransmit = new RetransmitSettings(TimeSpan.FromSeconds(2), 2, 1.0),
        };
        using var h = new SaActorHarness(this, settings);
        h.Establish();

        byte[] probe = h.NextSent();
        IkeSaResult answer = h.Initiator.Process(probe, SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        h.Deliver(answer.Message!);
        byte[] next = h.NextSent();

        // An answered probe is not retransmitted: what comes next is the following probe, with the next Message ID.
        Assert.NotEqual(probe, next);
        Assert.Equal(DropReason.None, h.Initiator.Process(next, SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        IkeSaStatus status = h.Status();
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(0, status.Retransmissions);
        Assert.Equal(1, status.InstalledChildSas);
    }

    [Fact]
    public void Delete_Requested_SentRetransmittedUntilAnswered()
    {
        using var h = new SaActorHarness(this);
        Watch(h.Actor);
        h.Establish();

        h.Actor.Tell(new DeleteIkeSa("operator"));
        // The CHILD SAs leave the kernel at once, before the Delete exchange, and the sender hears so.
        ExpectMsg<IkeSaReleased>();
        h.ExpectAllRemoved();
        byte[] request = h.NextSent();
        Assert.Equal(request, h.NextSent());
        IkeSaResult answer = h.Initiator.Process(request, SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        h.Deliver(answer.Message!);

        ExpectTerminated(h.Actor);
        Assert.Equal(IkeSaState.Deleted, h.Initiator.State);
        h.Kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // removed once, not again on stop
    }

    [Fact]
    public void IkeLifetime_Reached_GatewayRekeysTheIkeSaAndDeletesTheOldOneKeepingTheLease()
    {
        using var h = new SaActorHarness(this, SaActorHarness.FastSettings with { IkeLifetime = TimeSpan.FromMilliseconds(300) });
        h.Establish();

        // RFC 7296 §1.3.2: at its lifetime (less a jitter) the gateway rekeys the IKE SA.
        IkeSaResult answer = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        IkeSa next = answer.Rekeyed!;
        h.Deliver(answer.Message!);

        // Then it deletes the old one; the new one keeps the CHILD SA and the lease.
        IkeSaResult deleted = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(IkeSaState.Deleted, h.Initiator.State);
        h.Deliver(deleted.Message!);
        AwaitAssert(() => Assert.Equal(next.InitiatorSpi, h.Status().InitiatorSpi));
        Assert.Single(next.ChildSas);
        Assert.Empty(h.Allocator.Released);
        next.Dispose();
    }
}
