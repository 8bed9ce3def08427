using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;

namespace Concentrator.Server.Tests.Sa;

/// <summary>The operator's rekey (<see cref="RekeySa"/>): the gateway rekeys each CHILD SA as a soft lifetime would,
/// once; with <see cref="RekeySa.Ike"/> the IKE SA itself is rekeyed and the old one deleted.</summary>
public sealed class IkeSaActorRekeyOnDemandTests : TestKit
{
    [Fact]
    public void RekeySa_Established_OneChildRekeyStartedThenOldPairDeletedAndASecondAskWhileRekeyingStartsNone()
    {
        using var h = new SaActorHarness(this);
        InstallChild first = h.Establish();
        ChildSa clientOld = h.Initiator.ChildSas[0];

        h.Actor.Tell(new RekeySa("ike-1"), TestActor);
        var rekeyed = ExpectMsg<SaRekeyed>();
        h.Actor.Tell(new RekeySa("ike-1"), TestActor);
        var again = ExpectMsg<SaRekeyed>();

        Assert.Equal(1, rekeyed.ChildSas);
        Assert.Contains("--ike rekeys the IKE SA", rekeyed.Note, StringComparison.Ordinal);
        Assert.Equal(0, again.ChildSas);
        IkeSaResult answer = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(2, h.Initiator.ChildSas.Count);
        h.Deliver(answer.Message!);
        InstallChild installed = h.Kernel.ExpectMsg<InstallChild>();
        Assert.Equal(first.Reqid, installed.Reqid);
        h.Kernel.Reply(new KernelDone(installed.CorrelationId));
        IkeSaResult deleted = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.DoesNotContain(clientOld, h.Initiator.ChildSas);
        h.Deliver(deleted.Message!);
        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), first);
    }

    [Fact]
    public void RekeySaIke_Established_NewIkeSpisRoutedToTheActorAndOldDeleted()
    {
        using var h = new SaActorHarness(this);
        h.Establish();
        ulong oldSpi = h.Initiator.ResponderSpi;

        h.Actor.Tell(new RekeySa("ike-1") { Ike = true }, TestActor);
        var rekeyed = ExpectMsg<SaRekeyed>();
        h.Actor.Tell(new RekeySa("ike-1") { Ike = true }, TestActor);
        Assert.True(rekeyed.IkeSa);
        Assert.False(ExpectMsg<SaRekeyed>().IkeSa);

        IkeSaResult answer = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        IkeSa next = answer.Rekeyed!;
        // Our SPI of the new SA is its SPIi (the gateway initiated it), drawn and registered for this actor.
        Assert.True(h.Spis.TryGet(next.InitiatorSpi, out var owner));
        Assert.Equal(h.Actor, owner);
        h.Deliver(answer.Message!);
        IkeSaResult deleted = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(IkeSaState.Deleted, h.Initiator.State);
        h.Deliver(deleted.Message!);
        AwaitAssert(() => Assert.False(h.Spis.TryGet(oldSpi, out _)));
        Assert.Equal(IkeSaState.Established, h.Status().State);
        Assert.Equal(next.InitiatorSpi, h.Status().InitiatorSpi);
        h.Kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        next.Dispose();
    }
}
