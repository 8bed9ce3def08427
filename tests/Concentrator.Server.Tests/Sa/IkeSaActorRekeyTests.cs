using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>A CHILD SA rekey (RFC 7296 §1.3.3) through the IKE SA actor: what reaches the kernel, in which order.</summary>
public sealed class IkeSaActorRekeyTests : TestKit
{
    [Fact]
    public void ChildRekey_ThenPeerDeletesOld_NewStatesJoinReqidAndOldRemovalLeavesPolicies()
    {
        using var h = new SaActorHarness(this);
        InstallChild first = h.Establish();
        ChildSa old = h.Initiator.ChildSas[0];

        h.Deliver(h.Initiator.InitiateChildRekey(old).Message!);

        // The new states are installed before the answer leaves, under the old reqid, taking over its policies.
        InstallChild rekeyed = h.Kernel.ExpectMsg<InstallChild>();
        Assert.Equal(first.Reqid, rekeyed.Reqid);
        Assert.True(rekeyed.ReplacePolicies);
        Assert.Equal(first.Policies.Select(p => p.Id), rekeyed.Policies.Select(p => p.Id));
        Assert.DoesNotContain(rekeyed.Sas, s => first.Sas.Any(f => f.Request.Id == s.Request.Id));
        h.Socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        h.Kernel.Reply(new KernelDone(rekeyed.CorrelationId));
        IkeSaResult answered = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(DropReason.None, answered.Drop);
        Assert.Equal(2, h.Initiator.ChildSas.Count);

        h.Deliver(h.Initiator.InitiateChildDelete(old).Message!);

        // The old CHILD SA is named; the kernel actor takes only its states, since the policies now carry the new
        // CHILD SA's traffic (KernelActorTests.RemoveChildSa_RekeyedReqid_OldStatesOnlyThenLastTakesPolicies).
        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), first);
        Assert.Equal(DropReason.None, h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        IkeSaStatus status = h.Status();
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(1, status.InstalledChildSas);
    }

    [Fact]
    public void IkeRekey_ThenPeerDeletesOld_SameActorServesNewSpiAndKernelUntouched()
    {
        using var h = new SaActorHarness(this);
        Watch(h.Actor);
        h.Establish();
        IkeSa oldClient = h.Initiator;
        ulong oldSpi = oldClient.ResponderSpi;

        h.Deliver(oldClient.InitiateRekey().Message!);
        IkeSaResult done = oldClient.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        using IkeSa newClient = done.Rekeyed!;

        // The new SPI routes to this same actor; the old one still does until its Delete.
        Assert.True(h.Spis.TryGet(newClient.ResponderSpi, out var routed) && routed.Equals(h.Actor));
        Assert.True(h.Spis.TryGet(oldSpi, out _));
        h.Deliver(oldClient.InitiateDelete().Message!);
        Assert.Equal(DropReason.None, oldClient.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        Assert.Equal(IkeSaState.Deleted, oldClient.State);
        AwaitAssert(() => Assert.False(h.Spis.TryGet(oldSpi, out _)));

        // The CHILD SA moved with the IKE SA: nothing left the kernel, and the new SA answers a liveness check.
        h.Kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        h.Deliver(newClient.InitiateDpd().Message!);
        Assert.Equal(DropReason.None, newClient.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        IkeSaStatus status = h.Status();
        Assert.Equal(newClient.ResponderSpi, status.ResponderSpi);
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(1, status.InstalledChildSas);
        Assert.Empty(h.Allocator.Released);
    }

    [Fact]
    public void SoftLifetime_PeerDidNotRekey_WeRekeyThenDeleteOldPair()
    {
        using var h = new SaActorHarness(this, SaActorHarness.FastSettings with { ChildRekeyAfter = TimeSpan.FromMinutes(10) });
        InstallChild first = h.Establish();
        // Soft at the configured time, hard 10 % later, on both states.
        Assert.All(first.Sas, s => Assert.Equal((600UL, 660UL), (s.Request.Lifetime.SoftAddSeconds, s.Request.Lifetime.HardAddSeconds)));
        ChildSa clientOld = h.Initiator.ChildSas[0];

        // Both states of the pair expire (soft): one rekey, not two.
        h.Actor.Tell(new SaExpiredEvent(first.Sas[0].Request.Id, first.Reqid, Hard: false));
        h.Actor.Tell(new SaExpiredEvent(first.Sas[1].Request.Id, first.Reqid, Hard: false));
        IkeSaResult answer = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(2, h.Initiator.ChildSas.Count);
        h.Deliver(answer.Message!);

        InstallChild rekeyed = h.Kernel.ExpectMsg<InstallChild>();
        Assert.Equal(first.Reqid, rekeyed.Reqid);
        Assert.True(rekeyed.ReplacePolicies);
        h.Kernel.Reply(new KernelDone(rekeyed.CorrelationId));

        // The rekey's initiator (us) deletes the old pair; the client agrees and the old states leave the kernel.
        IkeSaResult deleted = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.DoesNotContain(clientOld, h.Initiator.ChildSas);
        h.Deliver(deleted.Message!);
        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), first);
        h.Socket.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, h.Status().InstalledChildSas);
    }

    [Fact]
    public void HardLifetime_StateGone_ChildSaDeletedTowardsPeerAndRemoved()
    {
        using var h = new SaActorHarness(this, SaActorHarness.FastSettings with { ChildRekeyAfter = TimeSpan.FromMinutes(10) });
        InstallChild first = h.Establish();

        h.Actor.Tell(new SaExpiredEvent(first.Sas[0].Request.Id, first.Reqid, Hard: true));
        h.Actor.Tell(new SaExpiredEvent(first.Sas[1].Request.Id, first.Reqid, Hard: true));
        IkeSaResult answer = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        h.Deliver(answer.Message!);

        Assert.Empty(h.Initiator.ChildSas);
        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), first);
        h.Socket.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        IkeSaStatus status = h.Status();
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(0, status.InstalledChildSas);
    }

    [Fact]
    public void ChildRekey_KernelRefusesNewStates_AnsweredThenNewDeletedOldKeepsItsPolicies()
    {
        using var h = new SaActorHarness(this);
        InstallChild first = h.Establish();
        ChildSa old = h.Initiator.ChildSas[0];

        h.Deliver(h.Initiator.InitiateChildRekey(old).Message!);
        InstallChild rekeyed = h.Kernel.ExpectMsg<InstallChild>();
        h.Kernel.Reply(new KernelFailed(rekeyed.CorrelationId, Errnos.EEXIST, "exists", "install"));

        // The rekey is answered, then its new CHILD SA deleted at once; the IKE SA and the old CHILD SA stay.
        Assert.Equal(DropReason.None, h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        IkeSaResult answer = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        h.Deliver(answer.Message!);
        Assert.Same(old, Assert.Single(h.Initiator.ChildSas));
        h.Kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the failed install was rolled back by the kernel actor

        // The old CHILD SA is the reqid's only one again: deleting it names it, and the kernel actor removes its
        // policies with its states (KernelActorTests.RemoveChildSa_AfterRefusedRekey_TakesStatesAndPolicies).
        h.Deliver(h.Initiator.InitiateChildDelete(old).Message!);
        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), first);
        Assert.Equal(IkeSaState.Established, h.Status().State);
    }
}
