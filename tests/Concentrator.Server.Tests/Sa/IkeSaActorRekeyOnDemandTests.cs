using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;

namespace Concentrator.Server.Tests.Sa;

/// <summary>The operator's rekey (<see cref="RekeySa"/>): the gateway rekeys each CHILD SA as a soft lifetime would,
/// once; the IKE SA is not rekeyed and the answer says so.</summary>
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
        Assert.Contains("does not initiate IKE SA rekeys", rekeyed.Note, StringComparison.Ordinal);
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
}
