using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>An IKE SA moves from the actor of its handshake to an actor under its home once IKE_AUTH established it
/// (DESIGN.md: the established SA's actor lives under its InterfaceActor; the pure IkeSa moves with it).</summary>
public sealed class IkeSaActorHandoverTests : TestKit
{
    [Fact]
    public async Task IkeAuth_WithHome_SaMovesAndNewActorInstallsAnswersAndOwnsSpi()
    {
        var home = CreateTestProbe();
        using var h = new SaActorHarness(this, home: home.Ref);
        Watch(h.Actor);
        byte[] authRequest = h.RunInit();
        ulong spi = h.Status().ResponderSpi;

        h.Deliver(authRequest);

        // The handshake's actor sends nothing itself: it asks its home to spawn the established actor.
        var spawn = home.ExpectMsg<SpawnSa>();
        Assert.Equal(("rw", IkeSaActor.NameFor(spi)), (spawn.Connection, spawn.Name));
        h.Kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        h.Socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.True(h.Spis.TryGet(spi, out var stillOld) && stillOld.Equals(h.Actor));
        // A retransmitted IKE_AUTH reaching the old actor meanwhile is forwarded, not lost or answered twice.
        h.Deliver(authRequest);

        var established = Sys.ActorOf(spawn.Props, spawn.Name);
        h.Actor.Tell(new SaSpawned(spawn.Connection, spawn.Name, established), home.Ref);

        // The old actor stops without ending the SA; the new one installs, then answers, and owns the SPI.
        ExpectTerminated(h.Actor);
        InstallChild install = h.Kernel.ExpectMsg<InstallChild>();
        Assert.Equal(established, h.Kernel.LastSender);
        h.Kernel.Reply(new KernelDone(install.CorrelationId));
        IkeSaResult done = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(IkeSaState.Established, h.Initiator.State);
        Assert.False(done.IsDropped, done.Detail);
        Assert.True(h.Spis.TryGet(spi, out var owner) && owner.Equals(established));
        Assert.Empty(h.Allocator.Released);
        Assert.Equal(1, h.ChildSpis.Count);

        // The forwarded retransmission is answered with the same response (RFC 7296 §2.1), by the new actor.
        Assert.True(h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).IsDropped);
        var status = await established.Ask<IkeSaStatus>(GetIkeSaStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal((IkeSaState.Established, spi, 1), (status.State, status.ResponderSpi, status.InstalledChildSas));

        // Its end is the SA's end: addresses, SPIs and kernel state go.
        Watch(established);
        established.Tell(new DeleteIkeSa("test", Silently: true));
        ExpectMsg<IkeSaReleased>();
        ExpectTerminated(established);
        Assert.Equal(0, h.Spis.Count);
        Assert.Equal(0, h.ChildSpis.Count);
        Assert.Single(h.Allocator.Released);
    }

    [Fact]
    public void IkeAuth_HomeNeverAnswers_SaEndsAfterTheTimeout()
    {
        var home = CreateTestProbe();
        using var h = new SaActorHarness(this, SaActorHarness.FastSettings with { KernelTimeout = TimeSpan.FromMilliseconds(300) }, home: home.Ref);
        Watch(h.Actor);
        h.Deliver(h.RunInit());
        home.ExpectMsg<SpawnSa>();

        ExpectTerminated(h.Actor, TimeSpan.FromSeconds(3));
        Assert.Equal(0, h.Spis.Count);
        Assert.Single(h.Allocator.Released);
    }
}
