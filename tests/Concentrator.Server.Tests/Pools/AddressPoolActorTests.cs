using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Pools;

namespace Concentrator.Server.Tests.Pools;

public sealed class AddressPoolActorTests : TestKit
{
    private IActorRef Start(params string[] prefixes) => Sys.ActorOf(AddressPoolActor.Props(prefixes.Select(IPNetwork.Parse)));

    [Fact]
    public void Acquire_Ipv4AndIpv6Pools_AnswersFromPoolOfFamily()
    {
        var pools = Start("10.99.0.0/24", "2001:db8:99::/64");

        pools.Tell(new Acquire("alice", AddressFamily.InterNetworkV6, 1));
        var v6 = ExpectMsg<Acquired>();
        pools.Tell(new Acquire("alice", AddressFamily.InterNetwork, 1));
        var v4 = ExpectMsg<Acquired>();

        Assert.Equal(IPAddress.Parse("2001:db8:99::1"), v6.Address);
        Assert.Equal(IPAddress.Parse("10.99.0.1"), v4.Address);
        Assert.Equal(IPNetwork.Parse("10.99.0.0/24"), v4.Pool);
    }

    [Fact]
    public void Acquire_NoPoolOfFamily_Exhausted()
    {
        var pools = Start("10.99.0.0/24");

        pools.Tell(new Acquire("alice", AddressFamily.InterNetworkV6, 1));

        Assert.Equal(new Exhausted(1, AddressFamily.InterNetworkV6, NoPoolOfFamily: true), ExpectMsg<Exhausted>());
    }

    [Fact]
    public void Acquire_FirstPoolFull_UsesNext()
    {
        var pools = Start("10.99.0.7/32", "10.98.0.0/30");

        pools.Tell(new Acquire("a", AddressFamily.InterNetwork, 1));
        pools.Tell(new Acquire("b", AddressFamily.InterNetwork, 2));
        pools.Tell(new Acquire("c", AddressFamily.InterNetwork, 3));
        pools.Tell(new Acquire("d", AddressFamily.InterNetwork, 4));

        Assert.Equal(IPAddress.Parse("10.99.0.7"), ExpectMsg<Acquired>().Address);
        Assert.Equal(IPAddress.Parse("10.98.0.1"), ExpectMsg<Acquired>().Address);
        Assert.Equal(IPAddress.Parse("10.98.0.2"), ExpectMsg<Acquired>().Address);
        Assert.Equal(new Exhausted(4, AddressFamily.InterNetwork, NoPoolOfFamily: false), ExpectMsg<Exhausted>());
    }

    [Fact]
    public void Release_ThenSameIdentity_GetsSameAddress()
    {
        var pools = Start("10.99.0.0/24");
        pools.Tell(new Acquire("alice", AddressFamily.InterNetwork, 1));
        var first = ExpectMsg<Acquired>().Address;

        pools.Tell(new Release(1, first));
        pools.Tell(new Acquire("bob", AddressFamily.InterNetwork, 2));
        ExpectMsg<Acquired>();
        pools.Tell(new Acquire("alice", AddressFamily.InterNetwork, 3));

        Assert.Equal(first, ExpectMsg<Acquired>().Address);
    }

    [Fact]
    public void HolderStops_AddressesReleased()
    {
        var pools = Start("10.99.0.7/32");
        var holder = CreateTestProbe();
        pools.Tell(new Acquire("alice", AddressFamily.InterNetwork, 1), holder);
        holder.ExpectMsg<Acquired>();

        Sys.Stop(holder.Ref);

        AwaitAssert(() =>
        {
            pools.Tell(GetPoolUsage.Instance);
            Assert.Equal(0, ExpectMsg<PoolUsage>().Pools[0].Online);
        }, TimeSpan.FromSeconds(3));
        pools.Tell(new Acquire("bob", AddressFamily.InterNetwork, 2));
        Assert.Equal(IPAddress.Parse("10.99.0.7"), ExpectMsg<Acquired>().Address);
    }

    [Fact]
    public void ReleaseAll_FreesEveryAddressOfTheSa()
    {
        var pools = Start("10.99.0.7/32", "2001:db8::5/128");
        pools.Tell(new Acquire("alice", AddressFamily.InterNetwork, 1));
        pools.Tell(new Acquire("alice", AddressFamily.InterNetworkV6, 1));
        ExpectMsg<Acquired>();
        ExpectMsg<Acquired>();

        pools.Tell(new ReleaseAll(1));
        pools.Tell(GetPoolUsage.Instance);

        Assert.All(ExpectMsg<PoolUsage>().Pools, p => Assert.Equal(0, p.Online));
    }

    [Fact]
    public void Acquire_ReclaimWhileOldSaHoldsAddress_SameAddressAndOldReleaseIgnored()
    {
        var pools = Start("10.99.0.0/24");
        var oldSa = CreateTestProbe();
        pools.Tell(new Acquire("alice", AddressFamily.InterNetwork, 1), oldSa);
        var address = oldSa.ExpectMsg<Acquired>().Address;

        pools.Tell(new Acquire("alice", AddressFamily.InterNetwork, 2) { Reclaim = true });
        Assert.Equal(address, ExpectMsg<Acquired>().Address);
        Sys.Stop(oldSa.Ref); // its DeathWatch release must not free the new SA's address
        pools.Tell(new Acquire("bob", AddressFamily.InterNetwork, 3));

        Assert.NotEqual(address, ExpectMsg<Acquired>().Address);
        pools.Tell(GetPoolUsage.Instance);
        Assert.Equal(2, ExpectMsg<PoolUsage>().Pools[0].Online);
    }
}
