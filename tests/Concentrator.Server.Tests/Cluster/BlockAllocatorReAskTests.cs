using System.Net;
using Akka.Actor;
using Akka.DistributedData;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Cluster;

namespace Concentrator.Server.Tests.Cluster;

/// <summary>The allocator singleton against a probe standing in for the DistributedData replicator, so a test decides
/// when a majority write completes or times out (the three-process tests in Concentrator.Host.Tests drive the real
/// replicator). Each Update the probe receives is one majority write. "No second write" is checked without waiting:
/// another node's request sent after the re-ask must be the next write the probe sees.</summary>
public sealed class BlockAllocatorReAskTests : TestKit
{
    private const string Space = "pool-a";
    private const string NodeA = "akka.tcp://concentrator@192.0.2.11:4053#1";
    private const string NodeB = "akka.tcp://concentrator@192.0.2.12:4053#2";

    public BlockAllocatorReAskTests()
        : base("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp.hostname = 127.0.0.1\nakka.remote.dot-netty.tcp.port = 0")
    {
    }

    private (IActorRef Allocator, Akka.TestKit.TestProbe Replicator) Start()
    {
        var replicator = CreateTestProbe();
        var layout = new PoolLayout(Space, [(IPNetwork.Parse("10.96.0.0/22"), 24)]);
        var allocator = Sys.ActorOf(BlockAllocatorActor.Props([layout], TimeSpan.FromSeconds(5), replicator: replicator.Ref));
        var read = replicator.ExpectMsg<Get>();
        replicator.Reply(new NotFound(read.Key, read.Request));
        return (allocator, replicator);
    }

    private static Update ExpectWrite(Akka.TestKit.TestProbe replicator) => replicator.ExpectMsg<Update>();

    [Fact]
    public void ReAsk_WhileWriteRuns_StartsNoSecondWriteAndIsAnsweredOnceWithTheSameBlock()
    {
        var (allocator, replicator) = Start();
        var nodeB = CreateTestProbe();

        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeA), TestActor);
        var first = ExpectWrite(replicator);
        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeA), TestActor);
        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeB), nodeB.Ref);
        var next = ExpectWrite(replicator);
        replicator.Reply(new UpdateSuccess(next.Key, next.Request));
        replicator.Send(allocator, new UpdateSuccess(first.Key, first.Request));

        var toB = nodeB.ExpectMsg<BlocksOwned>();
        Assert.Equal(NodeB, toB.Owner);
        var toA = ExpectMsg<BlocksOwned>();
        Assert.Equal(NodeA, toA.Owner);
        Assert.Single(toA.Blocks);
        Assert.NotEqual(toA.Blocks[0], toB.Blocks[0]);
        // A's next ask (two blocks) is answered next: had the re-ask been answered on its own, that answer (one block)
        // would come first.
        allocator.Tell(new RequestBlocks(Space, 4, 2, NodeA), TestActor);
        var second = ExpectWrite(replicator);
        replicator.Reply(new UpdateSuccess(second.Key, second.Request));
        var again = ExpectMsg<BlocksOwned>();
        Assert.Equal(2, again.Blocks.Count);
        Assert.Equal(toA.Blocks[0], again.Blocks[0]);
        Assert.DoesNotContain(toB.Blocks[0], again.Blocks);
    }

    [Fact]
    public void ReAsk_WhileWriteTimesOut_OneNewWriteOfTheSameBlockThenAnswered()
    {
        var (allocator, replicator) = Start();

        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeA), TestActor);
        var first = ExpectWrite(replicator);
        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeA), TestActor);
        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeA), TestActor);
        replicator.Reply(new UpdateTimeout(first.Key, first.Request));
        var retry = ExpectWrite(replicator);
        replicator.Reply(new UpdateSuccess(retry.Key, retry.Request));
        var owned = ExpectMsg<BlocksOwned>();

        Assert.Single(owned.Blocks);
        Assert.Equal("10.96.0.0/24", owned.Blocks[0]);
        // The block the timed-out write carried is still A's: B gets the next one, and B's is the next write (the two
        // re-asks made one write between them).
        var nodeB = CreateTestProbe();
        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeB), nodeB.Ref);
        var forB = ExpectWrite(replicator);
        replicator.Reply(new UpdateSuccess(forB.Key, forB.Request));
        Assert.Equal("10.96.1.0/24", nodeB.ExpectMsg<BlocksOwned>().Blocks[0]);
    }

    [Fact]
    public void WriteTimesOut_NoReAsk_NoWriteUntilAskedAgain()
    {
        var (allocator, replicator) = Start();
        var nodeB = CreateTestProbe();

        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeA), TestActor);
        var first = ExpectWrite(replicator);
        replicator.Reply(new UpdateTimeout(first.Key, first.Request));
        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeB), nodeB.Ref);
        var forB = ExpectWrite(replicator);
        replicator.Reply(new UpdateSuccess(forB.Key, forB.Request));

        Assert.Equal(NodeB, nodeB.ExpectMsg<BlocksOwned>().Owner);
        allocator.Tell(new RequestBlocks(Space, 4, 1, NodeA), TestActor);
        var again = ExpectWrite(replicator);
        replicator.Reply(new UpdateSuccess(again.Key, again.Request));
        Assert.Equal("10.96.0.0/24", ExpectMsg<BlocksOwned>().Blocks[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("concentrator.cluster.pools.majority-timeout = 20s")]
    public void ReAskAfter_ExceedsTheConfiguredMajorityTimeout(string hocon)
    {
        var pools = ClusterSettings.From(Akka.Configuration.ConfigurationFactory.ParseString(hocon), "HOCON.conf").Pools;

        Assert.True(pools.ReAskAfter > pools.MajorityTimeout, $"{pools.ReAskAfter} <= {pools.MajorityTimeout}");
    }
}
