using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;
using Concentrator.Server.Tests.Kernel;

namespace Concentrator.Server.Tests.Sa;

/// <summary>
/// Nobody watches an IKE SA actor (issue 13: Akka's death-watch state was ≈ 400 bytes per SA): the SA tells the
/// kernel actor and the identity registry of its end itself, and both then skip the watch it asked them to skip.
/// </summary>
public sealed class SaStopReportTests : TestKit
{
    private static readonly IkeIdentity Alice = IkeIdentity.Parse("alice@example.test");

    [Fact]
    public void KernelActor_OwnerReportsStop_NotWatchedAndItsStateGoesOnItsReport()
    {
        var fake = new FakeKernelIpsec();
        var kernel = Sys.ActorOf(KernelActor.Props(fake, new KernelSettings(64, 1000)));
        var owner = CreateTestProbe();
        kernel.Tell(KernelActorTests.Child(1, 0x4000_0901, 0xC0000901, 0xAAAA0901) with { OwnerReportsStop = true }, owner);
        owner.ExpectMsg(new KernelDone(1));

        Sys.Stop(owner.Ref);
        // A later command is a barrier: a Terminated, had the owner been watched, would have been handled before it.
        kernel.Tell(new AddRoute(2, new RouteRequest(IPNetwork.Parse("10.99.0.0/24"), 5)));
        ExpectMsg(new KernelDone(2));
        int afterStop = fake.Sas.Count;
        kernel.Tell(new RemoveOwnedBy(3, owner.Ref));
        ExpectMsg(new KernelDone(3));

        Assert.Equal(2, afterStop);
        AwaitCondition(() => fake.IsEmpty, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void IdentityRegistry_ClaimantReportsStop_IdentityFreedByItsReportNotByItsEnd()
    {
        var registry = Sys.ActorOf(IdentityRegistryActor.Props());
        var sa = CreateTestProbe();
        registry.Tell(new ClaimIdentity(Alice, InitialContact: true) { ClaimantReportsStop = true }, sa.Ref);
        sa.ExpectMsg<IdentityGranted>();

        Sys.Stop(sa.Ref);
        registry.Tell(new GetIdentityHolder(Alice));
        var afterStop = ExpectMsg<IdentityHolder>().Sa;
        registry.Tell(IdentityHolderStopped.Instance, sa.Ref);
        registry.Tell(new GetIdentityHolder(Alice));
        var afterReport = ExpectMsg<IdentityHolder>().Sa;

        Assert.Equal(sa.Ref, afterStop);
        Assert.Null(afterReport);
    }

    [Fact]
    public void IkeSaActor_EstablishedThenStopped_ClaimsAndInstallsUnwatchedAndReportsItsEnd()
    {
        var registry = CreateTestProbe();
        using var h = new SaActorHarness(this, identities: registry.Ref);
        h.Deliver(h.RunInit());
        var claim = registry.ExpectMsg<ClaimIdentity>();
        registry.Reply(new IdentityGranted(claim.Identity));
        var install = h.Kernel.ExpectMsg<InstallChild>();
        h.Kernel.Reply(new KernelDone(install.CorrelationId));

        Watch(h.Actor);
        Sys.Stop(h.Actor);
        ExpectTerminated(h.Actor);

        Assert.True(claim.ClaimantReportsStop);
        Assert.True(install.OwnerReportsStop);
        registry.ExpectMsg<IdentityHolderStopped>();
        Assert.Equal(h.Actor, registry.LastSender);
        h.ExpectAllRemoved();
    }
}
