using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>Peer-initiated deletes and one IKE SA per identity.</summary>
public sealed class IkeSaActorDeleteTests : TestKit
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void PeerDelete_IkeSa_ChildRemovedAnsweredAndActorStops()
    {
        using var h = new SaActorHarness(this);
        Watch(h.Actor);
        InstallChild install = h.Establish();

        h.Deliver(h.Initiator.InitiateDelete().Message!);

        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), install);
        IkeSaResult done = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(DropReason.None, done.Drop);
        Assert.Equal(IkeSaState.Deleted, h.Initiator.State);
        ExpectTerminated(h.Actor);
        // Removed once: the stop does not remove the same CHILD SA again.
        h.Kernel.ExpectNoMsg(Quiet);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], h.Allocator.Released);
        Assert.Equal(0, h.Spis.Count);
    }

    [Fact]
    public void PeerDelete_ChildSaOnly_ChildRemovedIkeSaStays()
    {
        using var h = new SaActorHarness(this);
        InstallChild install = h.Establish();

        h.Deliver(h.Initiator.InitiateChildDelete(h.Initiator.ChildSas[0]).Message!);

        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), install);
        Assert.Equal(DropReason.None, h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        Assert.Empty(h.Initiator.ChildSas);
        IkeSaStatus status = h.Status();
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(0, status.InstalledChildSas);
    }

    [Fact]
    public void SameIdentity_InitialContact_OlderSaRemovedSilently()
    {
        var registry = Sys.ActorOf(IdentityRegistryActor.Props());
        using var older = new SaActorHarness(this, identities: registry, clientSeed: 1);
        Watch(older.Actor);
        InstallChild olderInstall = older.Establish();
        using var newer = new SaActorHarness(this, identities: registry, clientSeed: 2, kernel: older.Kernel);

        newer.Deliver(newer.RunInit());

        // The older SA's CHILD SA leaves the kernel before the newer one's goes in (the same virtual IP would
        // otherwise meet its own selectors: EEXIST).
        older.ExpectAllRemoved();
        InstallChild newerInstall = older.Kernel.ExpectMsg<InstallChild>();
        Assert.NotEqual(olderInstall.Reqid, newerInstall.Reqid);
        older.Kernel.Reply(new KernelDone(newerInstall.CorrelationId));
        newer.Initiator.Process(newer.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);

        ExpectTerminated(older.Actor);
        // INITIAL_CONTACT: the client lost the old SA, so nothing is sent to it, and its CHILD SA went only once.
        older.Socket.ExpectNoMsg(Quiet);
        older.Kernel.ExpectNoMsg(Quiet);
        registry.Tell(new GetIdentityHolder(IkeIdentity.Parse("client@example.org")));
        Assert.Equal(newer.Actor, ExpectMsg<IdentityHolder>().Sa);
        Assert.Equal(IkeSaState.Established, newer.Status().State);
    }

    [Fact]
    public void SameIdentity_NoInitialContact_OlderSaDeletedWithDelete()
    {
        var registry = Sys.ActorOf(IdentityRegistryActor.Props());
        using var older = new SaActorHarness(this, identities: registry, clientSeed: 1);
        Watch(older.Actor);
        older.Establish();
        using var newer = new SaActorHarness(this, identities: registry, clientSeed: 2, initialContact: false, kernel: older.Kernel);

        newer.Deliver(newer.RunInit());
        older.ExpectAllRemoved();
        InstallChild newerInstall = older.Kernel.ExpectMsg<InstallChild>();
        older.Kernel.Reply(new KernelDone(newerInstall.CorrelationId));
        newer.NextSent();

        // The older SA tells its peer with an INFORMATIONAL Delete, which the old client accepts.
        IkeSaResult answer = older.Initiator.Process(older.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(IkeSaState.Deleted, older.Initiator.State);
        older.Deliver(answer.Message!);
        ExpectTerminated(older.Actor);
    }
}
