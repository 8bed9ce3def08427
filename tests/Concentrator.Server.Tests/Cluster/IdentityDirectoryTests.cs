using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Cluster;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Cluster;

/// <summary>The registry's side of the cluster-wide identity directory (a probe stands in for the directory, which needs
/// a cluster: the three-process test in Concentrator.Host.Tests drives the real one), and the directory's entry format.</summary>
public sealed class IdentityDirectoryTests : TestKit
{
    private static readonly IkeIdentity Alice = IkeIdentity.Parse("alice@example.test");

    [Fact]
    public void Claim_WithDirectory_GrantedHereAndDirectoryTold()
    {
        var directory = CreateTestProbe();
        var registry = Sys.ActorOf(IdentityRegistryActor.Props(directory.Ref));
        var sa = CreateTestProbe();

        registry.Tell(new ClaimIdentity(Alice, InitialContact: true), sa.Ref);

        Assert.Equal(Alice, sa.ExpectMsg<IdentityGranted>().Identity);
        var held = directory.ExpectMsg<IdentityHeldHere>();
        Assert.Equal(Alice, held.Identity);
        Assert.True(held.InitialContact);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClaimedElsewhere_HeldHere_SaDeletedWithDeleteUnlessInitialContactAndIdentityFree(bool initialContact)
    {
        var directory = CreateTestProbe();
        var registry = Sys.ActorOf(IdentityRegistryActor.Props(directory.Ref));
        var sa = CreateTestProbe();
        registry.Tell(new ClaimIdentity(Alice, InitialContact: false), sa.Ref);
        sa.ExpectMsg<IdentityGranted>();
        directory.ExpectMsg<IdentityHeldHere>();

        registry.Tell(new IdentityClaimedElsewhere(Alice, "akka.tcp://concentrator@192.0.2.12:4053", initialContact));

        var delete = sa.ExpectMsg<DeleteIkeSa>();
        Assert.Equal(initialContact, delete.Silently);
        Assert.Contains("192.0.2.12", delete.Reason, StringComparison.Ordinal);
        registry.Tell(new GetIdentityHolder(Alice));
        Assert.Null(ExpectMsg<IdentityHolder>().Sa);
        // The SA that went was not the holder any more: its end tells the directory nothing.
        Sys.Stop(sa.Ref);
        directory.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void ClaimedElsewhere_NotHeldHere_NothingDeleted()
    {
        var registry = Sys.ActorOf(IdentityRegistryActor.Props(CreateTestProbe().Ref));
        var sa = CreateTestProbe();
        registry.Tell(new ClaimIdentity(IkeIdentity.Parse("bob@example.test"), InitialContact: false), sa.Ref);
        sa.ExpectMsg<IdentityGranted>();

        registry.Tell(new IdentityClaimedElsewhere(Alice, "akka.tcp://concentrator@192.0.2.12:4053", false));

        sa.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void HolderStops_WithDirectory_DirectoryToldItLeft()
    {
        var directory = CreateTestProbe();
        var registry = Sys.ActorOf(IdentityRegistryActor.Props(directory.Ref));
        var sa = CreateTestProbe();
        registry.Tell(new ClaimIdentity(Alice, InitialContact: false), sa.Ref);
        directory.ExpectMsg<IdentityHeldHere>();

        Sys.Stop(sa.Ref);

        Assert.Equal(Alice, directory.ExpectMsg<IdentityLeftHere>().Identity);
    }

    [Fact]
    public void Entry_KeyShardAndValue_RoundTripAndStable()
    {
        var key = IdentityDirectoryActor.EntryKey(Alice);

        // ID_RFC822_ADDR (3) and the bytes in hex: the same on every node and every run.
        Assert.Equal("3:616C696365406578616D706C652E74657374", key);
        // FNV-1a, pinned: every node must put an identity in the same shard.
        Assert.Equal(15, IdentityDirectoryActor.ShardOf(key));
        var shards = Enumerable.Range(0, 200).Select(i => IdentityDirectoryActor.ShardOf(IdentityDirectoryActor.EntryKey(IkeIdentity.Parse($"c{i}@x")))).Distinct().Count();
        Assert.Equal(IdentityDirectoryActor.Shards, shards);

        var value = IdentityDirectoryActor.EntryValue("akka.tcp://concentrator@192.0.2.11:4053#7", true, 1_700_000_000_123);
        Assert.True(IdentityDirectoryActor.TryParseValue(value, out var owner, out var initialContact, out var at));
        Assert.Equal(("akka.tcp://concentrator@192.0.2.11:4053#7", true, 1_700_000_000_123L), (owner, initialContact, at));
        Assert.False(IdentityDirectoryActor.TryParseValue("garbage", out _, out _, out _));
    }

    [Fact]
    public void WithoutOwner_EntriesOfRemovedNodeAndOthers_OnlyTheRemovedNodesEntriesGo()
    {
        var n1 = new Akka.Cluster.UniqueAddress(new Address("akka.tcp", "concentrator", "192.0.2.11", 4053), 1);
        var n2 = new Akka.Cluster.UniqueAddress(new Address("akka.tcp", "concentrator", "192.0.2.12", 4053), 2);
        var (owner1, owner2) = (BlockOwner.Of(n1), BlockOwner.Of(n2));
        var entries = Akka.DistributedData.LWWDictionary<string, string>.Empty
            .SetItem(n1, "a", IdentityDirectoryActor.EntryValue(owner1, false, 1))
            .SetItem(n2, "b", IdentityDirectoryActor.EntryValue(owner2, true, 2))
            .SetItem(n2, "c", IdentityDirectoryActor.EntryValue(owner2, false, 3))
            // The same address in an earlier incarnation is another owner: only the removed one's entries go.
            .SetItem(n2, "d", IdentityDirectoryActor.EntryValue(owner2.Replace("#2", "#22", StringComparison.Ordinal), false, 4));

        var swept = IdentityDirectoryActor.WithoutOwner(entries, n1, owner2);

        Assert.Equal(["a", "d"], swept.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(entries.Entries["a"], swept.Entries["a"]);
    }
}
