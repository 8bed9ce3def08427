using System.Net;
using System.Net.Sockets;
using Concentrator.Server.Cluster;

namespace Concentrator.Server.Tests.Cluster;

public sealed class BlockTableTests
{
    private const string A = "akka.tcp://concentrator@192.0.2.11:4053#1";
    private const string B = "akka.tcp://concentrator@192.0.2.12:4053#2";

    private static BlockTable Table() => new([
        new PoolLayout("pools.rw", [(IPNetwork.Parse("10.231.64.0/26"), 28), (IPNetwork.Parse("fd00:99::/120"), 124)]),
    ]);

    [Fact]
    public void Grant_TwoNodesAskingInTurn_EachBlockHasOneOwnerLowestFirst()
    {
        var t = Table();

        var granted = Enumerable.Range(0, 4).Select(i => t.Grant("pools.rw", AddressFamily.InterNetwork, i % 2 == 0 ? A : B)).ToList();

        Assert.Equal(["10.231.64.0/28", "10.231.64.16/28", "10.231.64.32/28", "10.231.64.48/28"], granted.Select(b => b.ToString()));
        Assert.Equal(["10.231.64.0/28", "10.231.64.32/28"], t.OwnedBy("pools.rw", AddressFamily.InterNetwork, A).Select(b => b.ToString()));
        Assert.Equal(["10.231.64.16/28", "10.231.64.48/28"], t.OwnedBy("pools.rw", AddressFamily.InterNetwork, B).Select(b => b.ToString()));
        Assert.Null(t.Grant("pools.rw", AddressFamily.InterNetwork, A));
        Assert.Equal(IPNetwork.Parse("fd00:99::/124"), t.Grant("pools.rw", AddressFamily.InterNetworkV6, A));
        Assert.Null(t.Grant("pools.unknown", AddressFamily.InterNetwork, A));
    }

    [Fact]
    public void Release_RemovedNode_ItsBlocksGoToTheNextAskerAndNoOneElsesDo()
    {
        var t = Table();
        for (var i = 0; i < 4; i++)
        {
            t.Grant("pools.rw", AddressFamily.InterNetwork, i < 2 ? A : B);
        }

        var freed = t.Release(A);

        Assert.Equal(["10.231.64.0/28", "10.231.64.16/28"], freed.Select(f => f.Block.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(IPNetwork.Parse("10.231.64.0/28"), t.Grant("pools.rw", AddressFamily.InterNetwork, B));
        Assert.Equal(IPNetwork.Parse("10.231.64.16/28"), t.Grant("pools.rw", AddressFamily.InterNetwork, B));
        Assert.Null(t.Grant("pools.rw", AddressFamily.InterNetwork, B));
        Assert.Equal(4, t.OwnedBy("pools.rw", AddressFamily.InterNetwork, B).Count);
    }

    [Fact]
    public void Restore_BlocksReadBack_AreNeverGrantedToAnother()
    {
        var t = Table();
        t.Restore("pools.rw", IPNetwork.Parse("10.231.64.0/28"), A);
        t.Restore("pools.rw", IPNetwork.Parse("10.231.64.32/28"), A);

        Assert.Equal(IPNetwork.Parse("10.231.64.16/28"), t.Grant("pools.rw", AddressFamily.InterNetwork, B));
        Assert.Equal(IPNetwork.Parse("10.231.64.48/28"), t.Grant("pools.rw", AddressFamily.InterNetwork, B));
        Assert.Null(t.Grant("pools.rw", AddressFamily.InterNetwork, B));
        Assert.Equal(4, t.Entries.Count());
    }
}
