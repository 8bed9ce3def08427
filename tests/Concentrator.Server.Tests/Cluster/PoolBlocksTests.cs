using System.Net;
using Concentrator.Server.Cluster;

namespace Concentrator.Server.Tests.Cluster;

public sealed class PoolBlocksTests
{
    [Fact]
    public void Block_Ipv4PoolCutInto26s_FourBlocksInOrder()
    {
        var pool = IPNetwork.Parse("10.231.64.0/24");

        Assert.Equal(4UL, PoolBlocks.Count(pool, 26));
        Assert.Equal(["10.231.64.0/26", "10.231.64.64/26", "10.231.64.128/26", "10.231.64.192/26"],
            Enumerable.Range(0, 4).Select(i => PoolBlocks.Block(pool, 26, (ulong)i).ToString()));
        Assert.Equal(3UL, PoolBlocks.IndexOf(pool, 26, IPNetwork.Parse("10.231.64.192/26")));
        Assert.Null(PoolBlocks.IndexOf(pool, 26, IPNetwork.Parse("10.231.65.0/26")));
        Assert.Null(PoolBlocks.IndexOf(pool, 26, IPNetwork.Parse("10.231.64.0/27")));
    }

    [Fact]
    public void Block_PoolSmallerThanABlock_IsItsOnlyBlock()
    {
        var pool = IPNetwork.Parse("10.231.7.0/30");

        Assert.Equal(1UL, PoolBlocks.Count(pool, 26));
        Assert.Equal(pool, PoolBlocks.Block(pool, 26, 0));
        Assert.Equal(0UL, PoolBlocks.IndexOf(pool, 26, pool));
    }

    [Fact]
    public void Block_Ipv6Slash64CutInto120s_CountCappedAndAddressesExact()
    {
        var pool = IPNetwork.Parse("fd00:99::/64");

        Assert.Equal(1UL << 56, PoolBlocks.Count(pool, 120));
        Assert.Equal(IPNetwork.Parse("fd00:99::300/120"), PoolBlocks.Block(pool, 120, 3));
        Assert.Equal(PoolBlocks.MaxCount, PoolBlocks.Count(IPNetwork.Parse("fd00::/16"), 120));
    }
}
