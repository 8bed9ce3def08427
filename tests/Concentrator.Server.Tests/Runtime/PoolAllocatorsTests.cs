using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Pools;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>A pool named by several connections is one allocator: one lease per identity across them.</summary>
public sealed class PoolAllocatorsTests : IDisposable
{
    private static readonly IkeIdentity Alice = IkeIdentity.Parse("alice@sales.example");
    private static readonly IkeIdentity Bob = IkeIdentity.Parse("bob@sales.example");
    private readonly string _dir = Directory.CreateTempSubdirectory("pools-").FullName;

    private static Dictionary<string, ConnectionSettings> Connections(string body) =>
        PoolCatalog.Resolve([ConnectionFileSettings.From(ConfigurationFactory.ParseString(body), "a.conf")])
            .SelectMany(f => f.Connections).ToDictionary(c => c.Name);

    private static readonly string Config = """
        pools {
          sales { addresses = [ "10.99.0.0/24" ] }
          tiny { addresses = [ "10.97.0.0/32" ] }
        }
        sales { local.id = "gw.example.net", remote.id = "*@sales.example", pools = [ "sales" ], ipsec-interface = 5 }
        partners { local.id = "gw.example.net", remote.id = "*@partners.example", pools = [ "sales" ], ipsec-interface = 5 }
        eng { local.id = "gw.example.net", remote.id = "*@eng.example", pools = [ "tiny", "10.98.0.0/24" ], ipsec-interface = 5 }
        """;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void For_TwoConnectionsNamingOnePool_OneAllocatorOneLeasePerIdentity()
    {
        var connections = Connections(Config);
        var allocators = new PoolAllocators(null);
        var sales = allocators.For(connections["sales"]);
        var partners = allocators.For(connections["partners"]);

        var viaSales = sales.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false);
        sales.Release(viaSales!, 1);
        var viaPartners = partners.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false);
        var bob = partners.Allocate(Bob, AddressFamily.InterNetwork, null, 3, reclaim: false);

        Assert.Same(sales.Pools[0], partners.Pools[0]);
        Assert.Equal(viaSales, viaPartners);
        Assert.NotEqual(viaSales, bob);
        Assert.Equal(2, sales.Online);
    }

    [Fact]
    public void Allocate_FirstPoolFull_NextPoolOfTheConnection()
    {
        var eng = new PoolAllocators(null).For(Connections(Config)["eng"]);

        var first = eng.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false);
        var second = eng.Allocate(Bob, AddressFamily.InterNetwork, null, 2, reclaim: false);

        Assert.Equal(IPAddress.Parse("10.97.0.0"), first);
        Assert.Equal(IPAddress.Parse("10.98.0.1"), second);
    }

    [Fact]
    public void Allocate_IdentityRememberedInLaterPool_GetsItBackThoughTheFirstHasRoom()
    {
        var eng = new PoolAllocators(null).For(Connections(Config)["eng"]);
        var alice = eng.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false);
        var bob = eng.Allocate(Bob, AddressFamily.InterNetwork, null, 2, reclaim: false);
        eng.Release(alice!, 1);
        eng.Release(bob!, 2);

        // The /32 is free again but remembered for Alice; Bob's address is in the second pool.
        var again = eng.Allocate(Bob, AddressFamily.InterNetwork, null, 3, reclaim: false);

        Assert.Equal(bob, again);
    }

    [Fact]
    public void Allocate_NoPoolOfTheFamily_NullWithoutTouchingOtherPools()
    {
        var sales = new PoolAllocators(null).For(Connections(Config)["sales"]);

        Assert.Null(sales.Allocate(Alice, AddressFamily.InterNetworkV6, null, 1, reclaim: false));
        Assert.Equal(0, sales.Online);
    }

    [Fact]
    public void KeepGateFor_ConnectionsSharingAPool_OneGateOtherwiseOwnOrNone()
    {
        var connections = Connections(Config.Replace("ipsec-interface = 5 }", "ipsec-interface = 5, unique = keep }", StringComparison.Ordinal));
        var allocators = new PoolAllocators(null);

        var sales = allocators.KeepGateFor(connections["sales"]);
        var partners = allocators.KeepGateFor(connections["partners"]);
        var eng = allocators.KeepGateFor(connections["eng"]);

        Assert.NotNull(sales);
        Assert.Same(sales, partners);
        Assert.NotSame(sales, eng);
        Assert.True(sales.TryAdmit(Alice, 1));
        Assert.False(partners!.TryAdmit(Alice, 2));
        Assert.Null(allocators.KeepGateFor(Connections(Config)["sales"]));
    }

    [Fact]
    public void For_SharedNamedPool_JournalKeepsOneLeaseSpaceForIt()
    {
        var path = Path.Combine(_dir, "leases.jsonl");
        IPAddress? address;
        using (var journal = LeaseJournal.Open(path))
        {
            var allocators = new PoolAllocators(journal);
            var connections = Connections(Config);
            _ = allocators.For(connections["sales"]);
            address = allocators.For(connections["partners"]).Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false);
        }

        using var reopened = LeaseJournal.Open(path);
        Assert.Equal(address, reopened.Remembered("pools.sales")[Alice.ToString()]);
        Assert.Empty(reopened.Remembered("partners"));
        var restored = new PoolAllocators(reopened).For(Connections(Config)["sales"]);
        Assert.Equal(address, restored.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false));
    }
}
