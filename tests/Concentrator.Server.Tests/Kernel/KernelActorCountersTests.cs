using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Tests.Kernel;

/// <summary>ReadOwnedCounters (for RADIUS accounting): the counters of what the owner installed, inbound and outbound
/// summed apart, read before a removal the owner sends afterwards.</summary>
public sealed class KernelActorCountersTests : TestKit
{
    private readonly FakeKernelIpsec _kernel = new();

    [Fact]
    public void ReadOwnedCounters_InstalledChild_InboundAndOutboundSummedApart()
    {
        var kernel = Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(64, 1000)));
        kernel.Tell(KernelActorTests.Child(1, 0x4000_0001, 0xC0000001, 0xAAAA0001));
        ExpectMsg(new KernelDone(1));
        _kernel.Counters[0xC0000001] = new SaCounters(100, 2, null, null);
        _kernel.Counters[0xAAAA0001] = new SaCounters(300, 4, null, null);

        kernel.Tell(new ReadOwnedCounters(9, TestActor, [0xC0000001u]));

        ExpectMsg(new OwnedCounters(9, 100, 2, 300, 4));
    }

    [Fact]
    public void ReadOwnedCounters_ThenRemoval_ReadSeesTheSasAndALaterReadNothing()
    {
        var kernel = Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(64, 1000)));
        kernel.Tell(KernelActorTests.Child(1, 0x4000_0002, 0xC0000002, 0xAAAA0002));
        ExpectMsg(new KernelDone(1));
        _kernel.Counters[0xC0000002] = new SaCounters(84, 1, null, null);

        kernel.Tell(new ReadOwnedCounters(5, TestActor, [0xC0000002u]) { Only = [0xC0000002u, 0xAAAA0002u] });
        kernel.Tell(new RemoveChildSa(2, 0x4000_0002, 0xC0000002, 0xAAAA0002));
        kernel.Tell(new ReadOwnedCounters(6, TestActor, [0xC0000002u]));

        ExpectMsgAllOf<object>([new OwnedCounters(5, 84, 1, 0, 0), new KernelDone(2), new OwnedCounters(6, 0, 0, 0, 0)]);
    }

    [Fact]
    public void ReadTrafficByOwner_TwoOwners_EachSummedByDirectionOnlyTheNamedOnes()
    {
        var kernel = Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(64, 1000)));
        var alice = CreateTestProbe("ike-a");
        var bob = CreateTestProbe("ike-b");
        kernel.Tell(KernelActorTests.Child(1, 0x4000_0011, 0xC0000011, 0xAAAA0011), alice.Ref);
        kernel.Tell(KernelActorTests.Child(2, 0x4000_0012, 0xC0000012, 0xAAAA0012, "10.99.0.3"), bob.Ref);
        alice.ExpectMsg(new KernelDone(1));
        bob.ExpectMsg(new KernelDone(2));
        _kernel.Counters[0xC0000011] = new SaCounters(840, 10, null, null);
        _kernel.Counters[0xAAAA0011] = new SaCounters(420, 5, null, null);
        _kernel.Counters[0xC0000012] = new SaCounters(1, 1, null, null);

        kernel.Tell(new ReadTrafficByOwner(new Dictionary<string, System.Net.IPAddress> { ["ike-a"] = KernelActorTests.Gateway }));

        var traffic = ExpectMsg<TrafficByOwner>();
        Assert.Equal(new OwnedCounters(0, 840, 10, 420, 5), Assert.Single(traffic.Counters, c => c.Key == "ike-a").Value);
        Assert.DoesNotContain("ike-b", traffic.Counters.Keys);
    }

    [Fact]
    public void ReadTrafficByOwner_NetlinkLikeKernel_OneDumpAndNoQueryPerSa()
    {
        _kernel.DumpsCounters = true;
        var kernel = Sys.ActorOf(KernelActor.Props(_kernel, new KernelSettings(64, 1000)));
        var alice = CreateTestProbe("ike-a");
        var bob = CreateTestProbe("ike-b");
        kernel.Tell(KernelActorTests.Child(1, 0x4000_0021, 0xC0000021, 0xAAAA0021), alice.Ref);
        kernel.Tell(KernelActorTests.Child(2, 0x4000_0022, 0xC0000022, 0xAAAA0022, "10.99.0.3"), bob.Ref);
        alice.ExpectMsg(new KernelDone(1));
        bob.ExpectMsg(new KernelDone(2));
        _kernel.Counters[0xC0000021] = new SaCounters(840, 10, null, null);
        _kernel.Counters[0xAAAA0021] = new SaCounters(420, 5, null, null);
        _kernel.Counters[0xAAAA0022] = new SaCounters(7, 1, null, null);
        var locals = new Dictionary<string, System.Net.IPAddress> { ["ike-a"] = KernelActorTests.Gateway, ["ike-b"] = KernelActorTests.Gateway };

        kernel.Tell(new ReadTrafficByOwner(locals));

        var traffic = ExpectMsg<TrafficByOwner>();
        Assert.Equal(new OwnedCounters(0, 840, 10, 420, 5), traffic.Counters["ike-a"]);
        Assert.Equal(new OwnedCounters(0, 0, 0, 7, 1), traffic.Counters["ike-b"]);
        Assert.Equal(1, _kernel.CallList.Count(c => c == "dump-sa"));
        Assert.DoesNotContain(_kernel.CallList, c => c.StartsWith("query-sa", StringComparison.Ordinal));
    }
}
