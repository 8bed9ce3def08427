using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

public sealed class PoolAllocatorTests
{
    private static readonly IkeIdentity Alice = IkeIdentity.Parse("alice@example.org");
    private static readonly IkeIdentity Bob = IkeIdentity.Parse("bob@example.org");

    [Fact]
    public void Allocate_TwoPeers_DistinctAddressesFromThePool()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/30")]);

        var a = pools.Allocate(Alice, AddressFamily.InterNetwork, null);
        var b = pools.Allocate(Bob, AddressFamily.InterNetwork, null);

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotEqual(a, b);
        Assert.True(IPNetwork.Parse("10.99.0.0/30").Contains(a) && IPNetwork.Parse("10.99.0.0/30").Contains(b));
        Assert.Equal(2, pools.Online);
    }

    [Fact]
    public void Release_AfterAllocate_LeaseOfflineAndSamePeerGetsItBack()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")]);
        var first = pools.Allocate(Alice, AddressFamily.InterNetwork, null)!;

        pools.Release(first);

        Assert.Equal(0, pools.Online);
        Assert.Equal(first, pools.Allocate(Alice, AddressFamily.InterNetwork, null));
    }

    [Fact]
    public void Allocate_FamilyWithoutPool_ReturnsNull()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")]);

        Assert.Null(pools.Allocate(Alice, AddressFamily.InterNetworkV6, null));
    }

    [Fact]
    public void Allocate_PoolExhausted_ReturnsNull()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/32")]);
        Assert.NotNull(pools.Allocate(Alice, AddressFamily.InterNetwork, null));

        Assert.Null(pools.Allocate(Bob, AddressFamily.InterNetwork, null));
    }
}
