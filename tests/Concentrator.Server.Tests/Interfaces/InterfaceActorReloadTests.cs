using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;
using Concentrator.Server.Tests.Kernel;

namespace Concentrator.Server.Tests.Interfaces;

/// <summary>A reload at the interface actor: a kept connection's routes follow its new pools (a prefix in both keeps
/// its route), a removed connection's SAs are told to delete themselves and the answer waits for them to stop.</summary>
public sealed class InterfaceActorReloadTests : TestKit
{
    private readonly FakeKernelIpsec _kernel = new();
    private readonly IActorRef _kernelActor;

    public InterfaceActorReloadTests() => _kernelActor = Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(64, 1000)));

    [Fact]
    public void Update_PoolsChanged_NewRouteAddedOldOneDeletedSharedOneKept()
    {
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("1"), _kernelActor, new InterfaceSettings(1400, "")));
        iface.Tell(new AttachConnection(InterfaceActorTests.Connection("rw", "1", "10.99.0.0/24", "10.98.0.0/24")));
        var index = ExpectMsg<ConnectionAttached>().InterfaceIndex!.Value;

        iface.Tell(new UpdateConnection(InterfaceActorTests.Connection("rw", "1", "10.99.0.0/24", "10.97.0.0/24")));

        ExpectMsg<ConnectionAttached>();
        Assert.Equal(
            [new RouteRequest(IPNetwork.Parse("10.97.0.0/24"), index), new RouteRequest(IPNetwork.Parse("10.99.0.0/24"), index)],
            _kernel.Routes.OrderBy(r => r.Destination.ToString()));
    }

    [Fact]
    public void DeleteConnectionSas_TwoConnections_OnlyTheRemovedOnesSasToldAndAnsweredOnceTheyStopped()
    {
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.None, _kernelActor, new InterfaceSettings(1400, "")));
        iface.Tell(new AttachConnection(InterfaceActorTests.Connection("gone", "no")));
        iface.Tell(new AttachConnection(InterfaceActorTests.Connection("kept", "no")));
        ExpectMsg<ConnectionAttached>();
        ExpectMsg<ConnectionAttached>();
        var gone = CreateTestProbe();
        var kept = CreateTestProbe();
        iface.Tell(new SpawnSa("gone", Props.Create(() => new Relay(gone.Ref)), "ike-1"));
        iface.Tell(new SpawnSa("kept", Props.Create(() => new Relay(kept.Ref)), "ike-2"));
        var goneSa = ExpectMsg<SaSpawned>().Sa;
        ExpectMsg<SaSpawned>();

        iface.Tell(new DeleteConnectionSas("gone", "removed by a reload"));

        Assert.Equal("removed by a reload", gone.ExpectMsg<DeleteIkeSa>().Reason);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        kept.ExpectNoMsg(TimeSpan.Zero);
        Sys.Stop(goneSa);
        Assert.Equal(1, ExpectMsg<ConnectionSasDeleted>().Deleted);
        iface.Tell(new CountConnectionSas("kept"));
        Assert.Equal(1, ExpectMsg<ConnectionSaCount>().Count);
    }

    [Fact]
    public void Spawn_ForAConnectionNoLongerAttached_TheSaIsToldToDelete()
    {
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.None, _kernelActor, new InterfaceSettings(1400, "")));
        iface.Tell(new AttachConnection(InterfaceActorTests.Connection("kept", "no")));
        ExpectMsg<ConnectionAttached>();
        var late = CreateTestProbe();

        iface.Tell(new SpawnSa("removed", Props.Create(() => new Relay(late.Ref)), "ike-3"));

        ExpectMsg<SaSpawned>();
        Assert.Contains("'removed' was removed by a reload", late.ExpectMsg<DeleteIkeSa>().Reason, StringComparison.Ordinal);
    }

    /// <summary>An SA actor's stand-in: passes what it is told to a probe.</summary>
    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef probe) => ReceiveAny(m => probe.Forward(m));
    }
}
