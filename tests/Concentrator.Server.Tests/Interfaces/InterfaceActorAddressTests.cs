using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Tests.Kernel;

namespace Concentrator.Server.Tests.Interfaces;

/// <summary><c>interface-ip</c> on ipsecN through the kernel actor: added once per address for the connections that
/// name it, kept while one of them is attached, changed by a reload, removed with the last of them.</summary>
public sealed class InterfaceActorAddressTests : TestKit
{
    private static readonly InterfaceSettings Settings = new(1400, "");
    private readonly FakeKernelIpsec _kernel = new();
    private readonly IActorRef _kernelActor;

    public InterfaceActorAddressTests() => _kernelActor = Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(64, 1000)));

    private static ConnectionSettings Connection(string name, string? interfaceIp) =>
        InterfaceActorTests.Connection(name, "1") with
        {
            Routes = [IPNetwork.Parse("10.2.0.0/16")],
            InterfaceIp = interfaceIp is null ? null : Address(interfaceIp),
        };

    private static InterfaceAddress Address(string text) =>
        InterfaceAddress.TryParse(text, out var a, out var problem) ? a! : throw new ArgumentException(problem);

    private List<AddressRequest> Addresses() => [.. _kernel.Addresses];

    [Fact]
    public void Attach_InterfaceIp_OnTheDeviceOncePerAddressUntilTheLastConnectionNamingItGoes()
    {
        var index = _kernel.AddExistingInterface("ipsec1", 1);
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("1"), _kernelActor, Settings));
        Watch(iface);

        iface.Tell(new AttachConnection(Connection("a", "192.0.2.1/30")));
        ExpectMsg<ConnectionAttached>();
        iface.Tell(new AttachConnection(Connection("b", "192.0.2.1/30")));
        ExpectMsg<ConnectionAttached>();
        iface.Tell(new AttachConnection(Connection("c", null)));
        ExpectMsg<ConnectionAttached>();
        AwaitAssert(() => Assert.Equal([new AddressRequest(IPAddress.Parse("192.0.2.1"), 30, index)], Addresses()));

        iface.Tell(new DetachConnection("a"));
        ExpectMsg(new ConnectionDetached("a"));
        iface.Tell(new DetachConnection("b"));
        ExpectMsg(new ConnectionDetached("b"));
        AwaitAssert(() => Assert.Empty(Addresses()));
        Assert.Single(_kernel.CallList, c => c.StartsWith("add-address 192.0.2.1/30", StringComparison.Ordinal));

        // The adopted device stays with the last connection, without the address.
        iface.Tell(new DetachConnection("c"));
        ExpectMsg(new ConnectionDetached("c"));
        ExpectTerminated(iface);
        Assert.True(_kernel.Interfaces.ContainsKey(index));
        Assert.Empty(Addresses());
    }

    [Fact]
    public void Update_InterfaceIpChanged_OldAddressGoesNewOneComes()
    {
        var index = _kernel.AddExistingInterface("ipsec1", 1);
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("1"), _kernelActor, Settings));
        iface.Tell(new AttachConnection(Connection("s2s", "192.0.2.1/30")));
        ExpectMsg<ConnectionAttached>();
        AwaitAssert(() => Assert.Single(Addresses()));

        iface.Tell(new UpdateConnection(Connection("s2s", "2001:db8:36::1/64")));

        ExpectMsg<ConnectionAttached>();
        AwaitAssert(() => Assert.Equal([new AddressRequest(IPAddress.Parse("2001:db8:36::1"), 64, index)], Addresses()));
    }

    [Fact]
    public void Attach_AddressLeftFromPreviousRun_TakenOverAndRemovedOnDetach()
    {
        var index = _kernel.AddExistingInterface("ipsec1", 1);
        _kernel.Addresses.Add(new AddressRequest(IPAddress.Parse("192.0.2.1"), 30, index));
        var iface = ChildActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("1"), _kernelActor, Settings));

        iface.Tell(new AttachConnection(Connection("s2s", "192.0.2.1/30")));
        ExpectMsg<ConnectionAttached>();
        AwaitCondition(() => _kernel.CallList.Any(c => c.StartsWith("add-address", StringComparison.Ordinal)));
        iface.Tell(new DetachConnection("s2s"));

        ExpectMsg(new ConnectionDetached("s2s"));
        AwaitAssert(() => Assert.Empty(Addresses()));
    }
}
