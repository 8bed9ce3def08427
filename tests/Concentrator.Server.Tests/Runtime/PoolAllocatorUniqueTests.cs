using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>The lease follows the uniqueness policy, with or without INITIAL_CONTACT.</summary>
public sealed class PoolAllocatorUniqueTests
{
    private static readonly IkeIdentity Alice = IkeIdentity.Parse("alice@example.org");
    private static readonly IPNetwork Prefix = IPNetwork.Parse("10.99.0.0/24");

    [Fact]
    public void Allocate_ReplaceWithoutInitialContactWhileOldSaHolds_SameAddressAndOldReleaseLeavesItHeld()
    {
        var pools = new PoolAllocator([Prefix], unique: UniquePolicy.Replace);
        var first = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false);

        var second = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false);

        Assert.Equal(first, second);
        pools.Release(first!, 1);
        Assert.Equal(1, pools.Online);
    }

    [Fact]
    public void Allocate_NeverEvenWithInitialContact_EachSaItsOwnAddress()
    {
        var pools = new PoolAllocator([Prefix], unique: UniquePolicy.Never);
        var first = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: true);

        var second = pools.Allocate(Alice, AddressFamily.InterNetwork, first, 2, reclaim: true);

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Equal(2, pools.Online);
    }
}
