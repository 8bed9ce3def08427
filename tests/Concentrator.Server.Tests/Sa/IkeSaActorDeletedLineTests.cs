using Akka.TestKit.Xunit2;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>The "IKE SA deleted" line (4004) carries what the dataplane counted through the SA: its CHILD SAs are read
/// before their removal by plain messages to the kernel actor, and the stop waits for the answers.</summary>
public sealed class IkeSaActorDeletedLineTests() : TestKit("akka.loglevel = INFO")
{
    [Fact]
    public void PeerDelete_EstablishedSa_DeletedLineCarriesTheCountersReadBeforeRemoval()
    {
        using var h = new SaActorHarness(this);
        Watch(h.Actor);
        h.Establish();
        h.Counted = new OwnedCounters(0, 1000, 10, 2000, 20);

        EventFilter.Info(contains: "in 1000 bytes/10 packets, out 2000 bytes/20 packets").ExpectOne(() =>
        {
            h.Deliver(h.Initiator.InitiateDelete().Message!);
            ExpectTerminated(h.Actor);
        });
    }

    [Fact]
    public void PeerDelete_ReadAnsweredLate_ActorStopsAfterTheAnswerAndTheLineCarriesIt()
    {
        using var h = new SaActorHarness(this, answerReads: false);
        Watch(h.Actor);
        h.Establish();

        h.Deliver(h.Initiator.InitiateDelete().Message!);
        ReadOwnedCounters read = h.Kernel.ExpectMsg<ReadOwnedCounters>();
        h.Kernel.ExpectMsg<RemoveChildSa>();

        EventFilter.Info(contains: "in 7 bytes/1 packets, out 9 bytes/2 packets").ExpectOne(() =>
        {
            h.Kernel.Reply(new OwnedCounters(read.CorrelationId, 7, 1, 9, 2));
            ExpectTerminated(h.Actor);
        });
    }
}
