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

public sealed class InterfaceActorTests : TestKit
{
    private static readonly InterfaceSettings Settings = new(1400, "");
    private readonly FakeKernelIpsec _kernel = new();
    private readonly IActorRef _kernelActor;

    public InterfaceActorTests() => _kernelActor = Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(64, 1000)));

    internal static ConnectionSettings Connection(string name, string ipsecInterface, params string[] pools) =>
        new(name, name + ".conf",
            new EndpointSettings("gw.example.net", AuthClass.Psk),
            new EndpointSettings("%any", AuthClass.Psk),
            ["aes256gcm16-prfsha256-x25519"],
            ["aes256gcm16"],
            [IPNetwork.Parse("198.51.100.0/24")],
            pools.Select(IPNetwork.Parse).ToList(),
            [],
            IpsecInterfaceSetting.Parse(ipsecInterface),
            new DpdSettings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(150)),
            new LifetimeSettings(TimeSpan.FromHours(4), TimeSpan.FromHours(1)));

    private IActorRef Start(string ipsecInterface) =>
        ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse(ipsecInterface), _kernelActor, Settings));

    [Fact]
    public void Attach_NoDevice_CreatesManagedDeviceWithMtuAndOneRoutePerPool()
    {
        var iface = Start("1");

        iface.Tell(new AttachConnection(Connection("rw", "1", "10.99.0.0/24", "2001:db8:99::/64")));

        var attached = ExpectMsg<ConnectionAttached>();
        var device = _kernel.Interfaces[attached.InterfaceIndex!.Value];
        Assert.Equal(("ipsec1", 1u, 1400u, true), (device.Name, device.IfId!.Value, device.Mtu, device.Up));
        Assert.Equal(
            [new RouteRequest(IPNetwork.Parse("10.99.0.0/24"), device.Index), new RouteRequest(IPNetwork.Parse("2001:db8:99::/64"), device.Index)],
            _kernel.Routes.OrderBy(r => r.Destination.BaseAddress.AddressFamily));
    }

    [Fact]
    public void Detach_AdoptedDevice_RoutesGoDeviceStays()
    {
        var index = _kernel.AddExistingInterface("ipsec1", 1);
        var iface = Start("yes");
        Watch(iface);
        iface.Tell(new AttachConnection(Connection("rw", "yes", "10.99.0.0/24")));
        Assert.Equal(new ConnectionAttached("rw", index), ExpectMsg<ConnectionAttached>());
        Assert.Single(_kernel.Routes);

        iface.Tell(new DetachConnection("rw"));

        ExpectMsg(new ConnectionDetached("rw"));
        ExpectTerminated(iface);
        Assert.Empty(_kernel.Routes);
        Assert.True(_kernel.Interfaces.ContainsKey(index));
        Assert.DoesNotContain(_kernel.CallList, c => c.StartsWith("delete-interface", StringComparison.Ordinal));
    }

    [Fact]
    public void Attach_RouteLeftFromPreviousRun_TakenOverAndDeletedOnDetach()
    {
        var index = _kernel.AddExistingInterface("ipsec1", 1);
        _kernel.Routes.Add(new RouteRequest(IPNetwork.Parse("10.99.0.0/24"), index));
        var iface = Start("1");

        iface.Tell(new AttachConnection(Connection("rw", "1", "10.99.0.0/24")));
        ExpectMsg<ConnectionAttached>();
        iface.Tell(new DetachConnection("rw"));
        ExpectMsg<ConnectionDetached>();

        Assert.Empty(_kernel.Routes);
    }

    [Fact]
    public void Detach_TwoConnectionsShareDevice_DeviceDeletedWithTheLast()
    {
        var iface = Start("3");
        Watch(iface);
        iface.Tell(new AttachConnection(Connection("a", "3", "10.99.0.0/24")));
        iface.Tell(new AttachConnection(Connection("b", "3", "10.98.0.0/24")));
        ExpectMsg<ConnectionAttached>();
        ExpectMsg<ConnectionAttached>();
        Assert.Single(_kernel.CallList, c => c.StartsWith("create-interface", StringComparison.Ordinal));

        iface.Tell(new DetachConnection("a"));
        ExpectMsg(new ConnectionDetached("a"));
        Assert.Single(_kernel.Interfaces);
        Assert.Equal([IPNetwork.Parse("10.98.0.0/24")], _kernel.Routes.Select(r => r.Destination));

        iface.Tell(new DetachConnection("b"));
        ExpectMsg(new ConnectionDetached("b"));
        ExpectTerminated(iface);
        Assert.Empty(_kernel.Interfaces);
        Assert.Empty(_kernel.Routes);
    }

    [Fact]
    public void Attach_ConnectionsSharingNamedPoolOnOneInterface_OneRoutePerPoolPrefix()
    {
        var connections = Akka.Configuration.ConfigurationFactory.ParseString("""
            pools {
              sales { addresses = [ "10.99.0.0/24", "fd00:99::/112" ] }
              eng { addresses = [ "10.98.0.0/24" ] }
            }
            sales { local.id = "gw.example.net", remote.id = "*@sales.example", pools = [ "sales" ], ipsec-interface = 5 }
            eng { local.id = "gw.example.net", remote.id = "*@eng.example", pools = [ "eng" ], ipsec-interface = 5 }
            partners { local.id = "gw.example.net", remote.id = "*@partners.example", pools = [ "sales" ], ipsec-interface = 5 }
            """);
        var resolved = PoolCatalog.Resolve([ConnectionFileSettings.From(connections, "a.conf")])[0].Connections;
        var iface = Start("5");

        foreach (var c in resolved)
        {
            iface.Tell(new AttachConnection(c));
            ExpectMsg<ConnectionAttached>();
        }

        var index = Assert.Single(_kernel.Interfaces).Key;
        Assert.Equal(["10.98.0.0/24", "10.99.0.0/24", "fd00:99::/112"], _kernel.Routes.Select(r => r.Destination.ToString()).Order(StringComparer.Ordinal));
        Assert.All(_kernel.Routes, r => Assert.Equal(index, r.InterfaceIndex));
        Assert.Equal(3, _kernel.CallList.Count(c => c.StartsWith("add-route", StringComparison.Ordinal)));

        // The pool's route stays while one of the connections sharing it is attached.
        iface.Tell(new DetachConnection("sales"));
        ExpectMsg(new ConnectionDetached("sales"));
        Assert.Equal(3, _kernel.Routes.Count);
        iface.Tell(new DetachConnection("partners"));
        ExpectMsg(new ConnectionDetached("partners"));
        Assert.Equal([IPNetwork.Parse("10.98.0.0/24")], _kernel.Routes.Select(r => r.Destination));
    }

    [Fact]
    public void Attach_KernelWithoutXfrmInterfaces_AttachFailedWithErrno()
    {
        _kernel.FailWhen = call => call.StartsWith("create-interface", StringComparison.Ordinal)
            ? new KernelException(Errnos.EOPNOTSUPP, "Unknown device type", "create interface") : null;
        var iface = Start("1");

        iface.Tell(new AttachConnection(Connection("rw", "1", "10.99.0.0/24")));

        var failed = ExpectMsg<AttachFailed>();
        Assert.Equal(Errnos.EOPNOTSUPP, failed.Kernel!.Errno);
        Assert.Contains("Unknown device type", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(_kernel.Routes);
    }

    [Fact]
    public void Attach_SecondRouteFails_FirstRouteRemovedAgain()
    {
        _kernel.FailWhen = call => call.StartsWith("add-route 2001:db8:99::/64", StringComparison.Ordinal)
            ? new KernelException(Errnos.EINVAL, "bad route", "add route") : null;
        var iface = Start("1");

        iface.Tell(new AttachConnection(Connection("rw", "1", "10.99.0.0/24", "2001:db8:99::/64")));

        Assert.Equal(Errnos.EINVAL, ExpectMsg<AttachFailed>().Kernel!.Errno);
        AwaitAssert(() => Assert.Empty(_kernel.Routes), TimeSpan.FromSeconds(3));
        iface.Tell(GetInterfaceState.Instance);
        Assert.Empty(ExpectMsg<InterfaceState>().Connections);
    }

    [Fact]
    public void Attach_PolicyBased_NoDeviceNoRoutes()
    {
        var iface = Start("no");

        iface.Tell(new AttachConnection(Connection("plain", "no", "10.99.0.0/24")));

        Assert.Equal(new ConnectionAttached("plain", null), ExpectMsg<ConnectionAttached>());
        Assert.Empty(_kernel.CallList);
        Assert.Equal("policy-based", InterfaceActor.NameFor(IpsecInterfaceSetting.None));
    }

    [Fact]
    public void SaSupervision_AnyException_Stops()
    {
        var decider = ((OneForOneStrategy)InterfaceActor.SaSupervision).Decider;

        Assert.Equal(Directive.Stop, decider.Decide(new InvalidOperationException()));
        Assert.Equal(Directive.Stop, decider.Decide(new ActorInitializationException()));
    }

    [Fact]
    public void SpawnedSa_Throws_StoppedNotRestartedAndItsKernelStateRemoved()
    {
        var iface = Start("1");
        iface.Tell(new AttachConnection(Connection("rw", "1", "10.99.0.0/24")));
        ExpectMsg<ConnectionAttached>();
        var events = CreateTestProbe();
        var install = KernelActorTests.Child(1, 0x4000_0001, 0xC0000001, 0xAAAA0001);

        iface.Tell(new SpawnSa("rw", Props.Create(() => new ThrowingSa(_kernelActor, install, events.Ref)), "sa-1"));
        var sa = ExpectMsg<SaSpawned>().Sa;
        events.ExpectMsg("started");
        sa.Tell("install");
        events.ExpectMsg(new KernelDone(1));
        Assert.Equal(2, _kernel.Sas.Count);

        events.Watch(sa);
        sa.Tell("boom");

        events.ExpectTerminated(sa);
        // The probe and the interface actor learn of the stop independently: ask until the parent has seen it too.
        AwaitAssert(() =>
        {
            iface.Tell(GetInterfaceState.Instance);
            Assert.Equal(0, ExpectMsg<InterfaceState>().SaCount);
        }, TimeSpan.FromSeconds(3));
        AwaitCondition(() => _kernel.IsEmpty, TimeSpan.FromSeconds(3));
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no second "started": not restarted
    }

    [Fact]
    public void Detach_StopsTheConnectionsSas()
    {
        var iface = Start("no");
        iface.Tell(new AttachConnection(Connection("plain", "no")));
        ExpectMsg<ConnectionAttached>();
        var events = CreateTestProbe();
        iface.Tell(new SpawnSa("plain", Props.Create(() => new ThrowingSa(_kernelActor, null!, events.Ref)), "sa-1"));
        var sa = ExpectMsg<SaSpawned>().Sa;
        events.ExpectMsg("started");
        events.Watch(sa);

        iface.Tell(new DetachConnection("plain"));

        events.ExpectTerminated(sa);
    }

    [Fact]
    public void DeleteAllIkeSas_TellsEachSaAndAnswersOnceAllStopped()
    {
        var iface = Start("no");
        iface.Tell(new AttachConnection(Connection("plain", "no")));
        ExpectMsg<ConnectionAttached>();
        var events = CreateTestProbe();
        iface.Tell(new SpawnSa("plain", Props.Create(() => new ThrowingSa(_kernelActor, null!, events.Ref)), "sa-1"));
        ExpectMsg<SaSpawned>();
        iface.Tell(new SpawnSa("plain", Props.Create(() => new ThrowingSa(_kernelActor, null!, events.Ref)), "sa-2"));
        ExpectMsg<SaSpawned>();
        events.ExpectMsg("started");
        events.ExpectMsg("started");

        iface.Tell(new DeleteAllIkeSas("test"));

        // Each SA hears the Delete and stops (here at once); the answer counts the SAs that were live.
        events.ExpectMsg<DeleteIkeSa>();
        events.ExpectMsg<DeleteIkeSa>();
        Assert.Equal(new AllIkeSasEnded(2), ExpectMsg<AllIkeSasEnded>());
    }

    private sealed class ThrowingSa : ReceiveActor
    {
        private readonly IActorRef _events;

        public ThrowingSa(IActorRef kernel, InstallChild install, IActorRef events)
        {
            _events = events;
            Receive<string>(s => s == "install", _ => kernel.Tell(install));
            Receive<string>(s => s == "boom", _ => throw new InvalidOperationException("boom"));
            Receive<KernelDone>(d => events.Tell(d));
            Receive<DeleteIkeSa>(d =>
            {
                events.Tell(d);
                Context.Stop(Self);
            });
        }

        protected override void PreStart() => _events.Tell("started");
    }
}
