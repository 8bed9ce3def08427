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
    public void Update_NewRouteRefusedThenPreviousSettingsAgain_RoutesAsBeforeTheReload()
    {
        // How a reload is undone: the kernel refuses a route of the new settings, the node re-attaches the previous ones.
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("1"), _kernelActor, new InterfaceSettings(1400, "")));
        var previous = InterfaceActorTests.Connection("rw", "1", "10.99.0.0/24", "10.98.0.0/24");
        iface.Tell(new AttachConnection(previous));
        var index = ExpectMsg<ConnectionAttached>().InterfaceIndex!.Value;
        _kernel.FailWhen = call => call.StartsWith("add-route 10.96.0.0/24", StringComparison.Ordinal)
            ? new KernelException(Errnos.EINVAL, "bad route", "add route") : null;

        iface.Tell(new UpdateConnection(InterfaceActorTests.Connection("rw", "1", "10.97.0.0/24", "10.96.0.0/24")));
        Assert.Equal(Errnos.EINVAL, ExpectMsg<AttachFailed>().Kernel!.Errno);
        _kernel.FailWhen = _ => null;
        iface.Tell(new UpdateConnection(previous));

        ExpectMsg<ConnectionAttached>();
        Assert.Equal(
            [new RouteRequest(IPNetwork.Parse("10.98.0.0/24"), index), new RouteRequest(IPNetwork.Parse("10.99.0.0/24"), index)],
            _kernel.Routes.OrderBy(r => r.Destination.ToString()));
        iface.Tell(GetInterfaceState.Instance);
        Assert.Equal(["10.98.0.0/24", "10.99.0.0/24"], ExpectMsg<InterfaceState>().Routes.Select(r => r.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Update_ClusterNodeConnectionRoutedPerBlock_NoWholePoolRouteAdded()
    {
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("1"), _kernelActor, new InterfaceSettings(1400, "")));
        iface.Tell(new AttachConnection(InterfaceActorTests.Connection("rw", "1", "10.99.0.0/24")) { RoutePools = false });
        ExpectMsg<ConnectionAttached>();
        iface.Tell(new RouteBlock(IPNetwork.Parse("10.99.0.0/28")));

        iface.Tell(new UpdateConnection(InterfaceActorTests.Connection("rw", "1", "10.99.0.0/24") with { Dns = [IPAddress.Parse("198.51.100.53")] }));

        ExpectMsg<ConnectionAttached>();
        AwaitAssert(() => Assert.Equal(["10.99.0.0/28"], _kernel.Routes.Select(r => r.Destination.ToString())), TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(_kernel.CallList, c => c.StartsWith("add-route 10.99.0.0/24", StringComparison.Ordinal));
    }

    [Fact]
    public void Detach_HomeWhoseOnlyAttachFailed_DeviceDeletedAndActorStops()
    {
        _kernel.FailWhen = call => call.StartsWith("add-route", StringComparison.Ordinal)
            ? new KernelException(Errnos.EINVAL, "bad route", "add route") : null;
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("4"), _kernelActor, new InterfaceSettings(1400, "")));
        Watch(iface);
        iface.Tell(new AttachConnection(InterfaceActorTests.Connection("eng", "4", "10.95.0.0/24")));
        ExpectMsg<AttachFailed>();
        Assert.Single(_kernel.Interfaces);

        iface.Tell(new DetachConnection("eng"));

        ExpectMsg(new ConnectionDetached("eng"));
        ExpectTerminated(iface);
        Assert.Empty(_kernel.Interfaces);
        Assert.Contains(_kernel.CallList, c => c.StartsWith("delete-interface", StringComparison.Ordinal));
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
