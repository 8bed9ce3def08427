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

        var a = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false);
        var b = pools.Allocate(Bob, AddressFamily.InterNetwork, null, 2, reclaim: false);

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
        var first = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false)!;

        pools.Release(first, 1);

        Assert.Equal(0, pools.Online);
        Assert.Equal(first, pools.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false));
    }

    [Fact]
    public void Allocate_FamilyWithoutPool_ReturnsNull()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")]);

        Assert.Null(pools.Allocate(Alice, AddressFamily.InterNetworkV6, null, 1, reclaim: false));
    }

    [Fact]
    public void Allocate_PoolExhausted_ReturnsNull()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/32")]);
        Assert.NotNull(pools.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false));

        Assert.Null(pools.Allocate(Bob, AddressFamily.InterNetwork, null, 2, reclaim: false));
    }

    [Fact]
    public void Allocate_InitialContactWhileOldSaHoldsLease_SameAddressAndOldReleaseLeavesItHeld()
    {
        // unique = keep hands INITIAL_CONTACT through (replace always reclaims, never never does).
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")], unique: Concentrator.Server.Config.UniquePolicy.Keep);
        var old = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false)!;

        var withoutReclaim = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false);
        var reclaimed = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 3, reclaim: true);
        pools.Release(old, 1);

        // A second SA of the identity without INITIAL_CONTACT gets an address of its own; with it, the identity's.
        Assert.NotEqual(old, withoutReclaim);
        Assert.Equal(old, reclaimed);
        // The old SA (owner 1) ending later must not free the address the new SA (owner 3) now holds.
        Assert.Equal(2, pools.Online);
        Assert.NotEqual(old, pools.Allocate(Bob, AddressFamily.InterNetwork, old, 4, reclaim: false));
        pools.Release(old, 3);
        Assert.Equal(2, pools.Online);
    }
}
