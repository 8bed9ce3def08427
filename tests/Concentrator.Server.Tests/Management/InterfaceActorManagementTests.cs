using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;
using Concentrator.Server.Sa;
using Concentrator.Server.Tests.Interfaces;
using Concentrator.Server.Tests.Kernel;

namespace Concentrator.Server.Tests.Management;

/// <summary>The interface actor's side of the management API: SAs it supervises register their summaries, listings
/// and terminates are answered from them, a stopped SA is forgotten.</summary>
public sealed class InterfaceActorManagementTests : TestKit
{
    private readonly IActorRef _home;

    public InterfaceActorManagementTests()
    {
        var kernel = Sys.ActorOf(KernelActor.Props(new FakeKernelIpsec(), new KernelSettings(64, 1000)));
        _home = Sys.ActorOf(InterfaceActor.Props(IpsecInterfaceSetting.Parse("no"), kernel, new InterfaceSettings(1400, "")));
        _home.Tell(new AttachConnection(InterfaceActorTests.Connection("sales", "no", "10.1.0.0/24")));
        ExpectMsg<ConnectionAttached>();
    }

    /// <summary>An established SA's stand-in: registers like IkeSaActor does and tells the test what it is told.</summary>
    private sealed class FakeSa : ReceiveActor
    {
        public FakeSa(IActorRef probe, string identity, string vip)
        {
            Context.Parent.Tell(new SaRegistered(new SaSummary(Context.Self.Path.Name, "sales", "policy-based", identity, "192.0.2.1:500",
                "198.51.100.1:500", [vip], DateTimeOffset.UnixEpoch)));
            ReceiveAny(m => probe.Tell(m));
        }
    }

    private (Akka.TestKit.TestProbe Probe, IActorRef Sa) Spawn(string name, string identity, string vip)
    {
        var probe = CreateTestProbe();
        _home.Tell(new SpawnSa("sales", Props.Create(() => new FakeSa(probe.Ref, identity, vip)), name));
        return (probe, ExpectMsg<SaSpawned>().Sa);
    }

    [Fact]
    public void ListSas_TwoRegistered_FilteredByIdentity()
    {
        Spawn("ike-1", "alice@sales.test", "10.1.0.2");
        Spawn("ike-2", "bob@sales.test", "10.1.0.3");

        AwaitAssert(() =>
        {
            _home.Tell(new ListSas(SaFilter.All));
            Assert.Equal(2, ExpectMsg<SaList>().Sas.Count);
        });
        _home.Tell(new ListSas(new SaFilter { Identity = "bob@sales.test" }));
        Assert.Equal("ike-2", Assert.Single(ExpectMsg<SaList>().Sas).Id);
        _home.Tell(GetSetupCount.Instance);
        Assert.Equal(2L, ExpectMsg<long>());
    }

    [Fact]
    public void TerminateSas_ByVip_OnlyThatSaToldToDelete()
    {
        var alice = Spawn("ike-1", "alice@sales.test", "10.1.0.2");
        var bob = Spawn("ike-2", "bob@sales.test", "10.1.0.3");
        AwaitAssert(() =>
        {
            _home.Tell(new ListSas(SaFilter.All));
            Assert.Equal(2, ExpectMsg<SaList>().Sas.Count);
        });

        _home.Tell(new TerminateSas(new SaFilter { VirtualIp = System.Net.IPAddress.Parse("10.1.0.3") }));

        Assert.Equal(["ike-2"], ExpectMsg<SasTerminated>().Ids);
        Assert.Equal("terminated by the operator", bob.Probe.ExpectMsg<DeleteIkeSa>().Reason);
        alice.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void ListSas_SaStopped_Forgotten()
    {
        var alice = Spawn("ike-1", "alice@sales.test", "10.1.0.2");
        Watch(alice.Sa);
        Sys.Stop(alice.Sa);
        ExpectTerminated(alice.Sa);

        AwaitAssert(() =>
        {
            _home.Tell(new ListSas(SaFilter.All));
            Assert.Empty(ExpectMsg<SaList>().Sas);
        });
        _home.Tell(new ShowSa("ike-1"));
        Assert.Equal("ike-1", ExpectMsg<SaNotFound>().Id);
    }

    [Fact]
    public void SaRegistered_FromAStranger_Ignored()
    {
        _home.Tell(new SaRegistered(new SaSummary("ike-9", "sales", "policy-based", "eve@evil.test", "192.0.2.1:500", "198.51.100.1:500", [], DateTimeOffset.UnixEpoch)));

        _home.Tell(new ListSas(SaFilter.All));
        Assert.Empty(ExpectMsg<SaList>().Sas);
    }
}
