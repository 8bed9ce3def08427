using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Sa;
using Concentrator.Server.Pools;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>A cluster node's allocator: it leases only from the blocks the cluster granted it.</summary>
public sealed class PoolAllocatorClusteredTests
{
    private static readonly IPNetwork Pool = IPNetwork.Parse("10.231.64.0/24");

    private static IkeIdentity Peer(int n) => IkeIdentity.Parse($"client-{n}@loadgen");

    [Fact]
    public void Allocate_NoBlockYet_RefusesButServesTheFamily()
    {
        var pools = new PoolAllocator([Pool], clustered: true);

        Assert.Null(pools.Allocate(Peer(1), AddressFamily.InterNetwork, null, 1, reclaim: false));
        Assert.True(pools.Serves(AddressFamily.InterNetwork));
        Assert.Equal(0UL, pools.Free(AddressFamily.InterNetwork));
        Assert.Empty(pools.Blocks);
    }

    [Fact]
    public void Allocate_OneMiddleBlock_EverySixteenAddressesOfItThenNone()
    {
        var pools = new PoolAllocator([Pool], clustered: true);
        Assert.True(pools.AddBlock(IPNetwork.Parse("10.231.64.16/28")));
        Assert.False(pools.AddBlock(IPNetwork.Parse("10.231.64.16/28")));
        Assert.False(pools.AddBlock(IPNetwork.Parse("10.231.65.0/28")));

        var leased = Enumerable.Range(1, 17).Select(n => pools.Allocate(Peer(n), AddressFamily.InterNetwork, null, (ulong)n, reclaim: false)).ToList();

        // A block in the middle of the pool has no network or broadcast address of its own.
        Assert.Equal(Enumerable.Range(16, 16).Select(i => $"10.231.64.{i}"), leased.Take(16).Select(a => a!.ToString()));
        Assert.Null(leased[16]);
        Assert.Equal(0UL, pools.Free(AddressFamily.InterNetwork));
    }

    [Fact]
    public void Allocate_BelowLowWaterOrExhausted_CallsTheHookEachTime()
    {
        var pools = new PoolAllocator([Pool], clustered: true);
        pools.AddBlock(IPNetwork.Parse("10.231.64.16/28"));
        var calls = new List<AddressFamily>();
        pools.OnLow(4, calls.Add);

        for (var n = 1; n <= 16; n++)
        {
            pools.Allocate(Peer(n), AddressFamily.InterNetwork, null, (ulong)n, reclaim: false);
        }

        // Free after each lease: 15 … 0; below 4 from the 13th lease on.
        Assert.Equal(4, calls.Count);
        Assert.Null(pools.Allocate(Peer(17), AddressFamily.InterNetwork, null, 17, reclaim: false));
        Assert.Equal(5, calls.Count);
        Assert.All(calls, f => Assert.Equal(AddressFamily.InterNetwork, f));
    }

    [Fact]
    public void Allocate_RequestedAddressInAnotherNodesBlock_GetsOneOfItsOwn()
    {
        var pools = new PoolAllocator([Pool], clustered: true);
        pools.AddBlock(IPNetwork.Parse("10.231.64.0/28"));

        var address = pools.Allocate(Peer(1), AddressFamily.InterNetwork, IPAddress.Parse("10.231.64.200"), 1, reclaim: false);

        Assert.Equal(IPAddress.Parse("10.231.64.1"), address);
        Assert.Equal(14UL, pools.Free(AddressFamily.InterNetwork));
    }

    [Fact]
    public void AddressPool_BlocksAtThePoolsEnds_LeaveOutOnlyThePoolsNetworkAndBroadcast()
    {
        Assert.Equal(15UL, new AddressPool(IPNetwork.Parse("10.231.64.0/28"), Pool).Size);
        Assert.Equal(16UL, new AddressPool(IPNetwork.Parse("10.231.64.128/28"), Pool).Size);
        Assert.Equal(15UL, new AddressPool(IPNetwork.Parse("10.231.64.240/28"), Pool).Size);
        Assert.Equal(254UL, new AddressPool(Pool).Size);
        Assert.Equal(255UL, new AddressPool(IPNetwork.Parse("fd00:99::/120"), IPNetwork.Parse("fd00:99::/112")).Size);
        Assert.Equal(256UL, new AddressPool(IPNetwork.Parse("fd00:99::100/120"), IPNetwork.Parse("fd00:99::/112")).Size);
    }
}
