using System.Net;
using Concentrator.Server.Cluster;

namespace Concentrator.Server.Tests.Cluster;

public sealed class RedirectRuleTests
{
    private static readonly ClusterRedirectSettings On = new(true, null, 1.25, 10);

    private static NodeLoad Node(int n, int held, bool draining = false) => new($"n{n}", held, IPAddress.Parse($"192.0.2.1{n}"), draining);

    [Fact]
    public void Decide_AboveShare_LeastLoadedOtherNode()
    {
        var decision = RedirectRule.Decide("n1", [Node(1, 40), Node(2, 10), Node(3, 5)], On, draining: false);

        Assert.Equal(IPAddress.Parse("192.0.2.13"), decision?.Target);
    }

    [Theory]
    [InlineData(20, 15, 15)]   // share 16.7 × 1.25 = 20.8: within
    [InlineData(9, 0, 0)]      // above its share but under min-sas
    public void Decide_WithinShareOrFewSas_ServedHere(int mine, int two, int three)
    {
        Assert.Null(RedirectRule.Decide("n1", [Node(1, mine), Node(2, two), Node(3, three)], On, draining: false));
    }

    [Fact]
    public void Decide_RedirectOff_ServedHereUnlessDraining()
    {
        var off = On with { Enabled = false };
        NodeLoad[] loads = [Node(1, 40), Node(2, 10), Node(3, 5)];

        Assert.Null(RedirectRule.Decide("n1", loads, off, draining: false));
        Assert.Equal(IPAddress.Parse("192.0.2.13"), RedirectRule.Decide("n1", loads, off, draining: true)?.Target);
    }

    [Fact]
    public void Decide_OtherNodeDraining_NeverATargetNorCountedInTheShare()
    {
        // n3 drains: n2 is the only target; the share is (40 + 30) / 2 = 35, and 40 < 35 × 1.25.
        NodeLoad[] loads = [Node(1, 40), Node(2, 30), Node(3, 0, draining: true)];

        Assert.Null(RedirectRule.Decide("n1", loads, On, draining: false));
        Assert.Equal(IPAddress.Parse("192.0.2.12"), RedirectRule.Decide("n1", loads, On, draining: true)?.Target);
        Assert.Null(RedirectRule.Decide("n1", [Node(1, 40), Node(2, 0, draining: true)], On, draining: true));
    }

    [Fact]
    public void Entry_ValueRoundTrip()
    {
        var value = ClusterLoadActor.EntryValue(17, IPAddress.Parse("2001:db8::12"), draining: true);

        Assert.Equal(new NodeLoad("n", 17, IPAddress.Parse("2001:db8::12"), true), ClusterLoadActor.Parse("n", value));
        Assert.Null(ClusterLoadActor.Parse("n", "17|not-an-address|0"));
        // A node whose hostname is a name publishes no gateway and is never a target.
        Assert.Equal(new NodeLoad("n", 3, null, false), ClusterLoadActor.Parse("n", ClusterLoadActor.EntryValue(3, null, false)));
        Assert.Null(RedirectRule.Decide("n1", [Node(1, 40), new NodeLoad("n2", 0, null, false)], On, draining: true));
    }

    [Fact]
    public void LoadsOf_DepartedNodesEntry_NotListedNorCountedNorATarget()
    {
        // n3 left holding nothing; its entry lingers in the gossip. Counted, it would be the target and the share would
        // be 50 / 3; among the members the share is 25, 40 > 25 × 1.25, and n2 is the target.
        KeyValuePair<string, string>[] entries =
        [
            new("n1", ClusterLoadActor.EntryValue(40, IPAddress.Parse("192.0.2.11"), false)),
            new("n2", ClusterLoadActor.EntryValue(10, IPAddress.Parse("192.0.2.12"), false)),
            new("n3", ClusterLoadActor.EntryValue(0, IPAddress.Parse("192.0.2.13"), false)),
        ];
        var members = new HashSet<string>(["n1", "n2"], StringComparer.Ordinal);

        var loads = ClusterLoadActor.LoadsOf(entries, members);

        Assert.Equal(["n1", "n2"], loads.Select(l => l.Node));
        Assert.Equal(IPAddress.Parse("192.0.2.12"), RedirectRule.Decide("n1", loads, On, draining: false)?.Target);
        Assert.Equal(IPAddress.Parse("192.0.2.13"), RedirectRule.Decide("n1", ClusterLoadActor.LoadsOf(entries, new HashSet<string>(["n1", "n2", "n3"])), On, draining: false)?.Target);
    }

    [Fact]
    public void WithoutNode_RemovedMembersEntry_OnlyItGoes()
    {
        var n1 = new Akka.Cluster.UniqueAddress(new Akka.Actor.Address("akka.tcp", "concentrator", "192.0.2.11", 4053), 1);
        var n2 = new Akka.Cluster.UniqueAddress(new Akka.Actor.Address("akka.tcp", "concentrator", "192.0.2.12", 4053), 2);
        var entries = Akka.DistributedData.LWWDictionary<string, string>.Empty
            .SetItem(n1, BlockOwner.Of(n1), ClusterLoadActor.EntryValue(40, null, false))
            .SetItem(n2, BlockOwner.Of(n2), ClusterLoadActor.EntryValue(10, null, false));

        var without = ClusterLoadActor.WithoutNode(entries, n1, BlockOwner.Of(n2));

        Assert.Equal([BlockOwner.Of(n1)], without.Entries.Keys);
        // Removing it again (every node does when the member is removed) changes nothing.
        Assert.Same(without, ClusterLoadActor.WithoutNode(without, n1, BlockOwner.Of(n2)));
    }
}
