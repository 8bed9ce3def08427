using System.Net;
using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

/// <summary>Named pools: declared once in any file, shared by the connections that name them.</summary>
public sealed class PoolCatalogTests
{
    private const string Pools = """
        pools {
          sales { addresses = [ "10.99.0.0/24", "fd00:99::/112" ], dns = [ "198.51.100.53" ] }
          eng { addresses = [ "10.98.0.0/24" ], dns = [ "198.51.100.54", "2001:db8::53" ] }
        }
        """;

    private static string Connection(string name, string pools, string extra = "") => $$"""
        {{name}} {
          local { id = "gw.example.net", auth = psk }
          remote { id = "*@{{name}}.example", auth = psk }
          pools = [ {{pools}} ]
          ipsec-interface = 5
          {{extra}}
        }
        """;

    private static ConnectionFileSettings File(string name, string hocon) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString(hocon), name);

    private static IReadOnlyList<ConnectionSettings> Resolve(params ConnectionFileSettings[] files) =>
        PoolCatalog.Resolve(files).SelectMany(f => f.Connections).ToList();

    private static ConfigException Fails(params ConnectionFileSettings[] files) =>
        Assert.Throws<ConfigException>(() => PoolCatalog.Resolve(files));

    [Fact]
    public void Resolve_TwoConnectionsNameOnePool_BothGetItsPrefixesAndDns()
    {
        var connections = Resolve(File("a.conf", Pools + Connection("sales", "\"sales\"") + Connection("partners", "\"sales\"")));

        foreach (var c in connections)
        {
            Assert.Equal([IPNetwork.Parse("10.99.0.0/24"), IPNetwork.Parse("fd00:99::/112")], c.Pools);
            Assert.Equal([IPAddress.Parse("198.51.100.53")], c.Dns);
            Assert.Equal("pools.sales", Assert.Single(c.AddressPools).LeaseSpace);
        }

        Assert.Same(connections[0].AddressPools[0], connections[1].AddressPools[0]);
    }

    [Fact]
    public void Resolve_PoolDeclaredInAnotherFile_Bound()
    {
        var c = Assert.Single(Resolve(File("a.conf", Connection("eng", "\"eng\"")), File("pools.conf", Pools)));

        Assert.Equal([IPNetwork.Parse("10.98.0.0/24")], c.Pools);
        Assert.Equal([IPAddress.Parse("198.51.100.54"), IPAddress.Parse("2001:db8::53")], c.Dns);
    }

    [Fact]
    public void Resolve_ConnectionWithDnsOfItsOwn_OwnDnsWins()
    {
        var c = Assert.Single(Resolve(File("a.conf", Pools + Connection("eng", "\"eng\"", "dns = [ \"203.0.113.53\" ]"))));

        Assert.Equal([IPAddress.Parse("203.0.113.53")], c.Dns);
    }

    [Fact]
    public void Resolve_NamedAndInlinePools_InTheOrderWritten()
    {
        var c = Assert.Single(Resolve(File("a.conf", Pools + Connection("rw", "\"eng\", \"10.97.0.0/24\", \"sales\""))));

        Assert.Equal(["pools.eng", "rw", "pools.sales"], c.AddressPools.Select(p => p.LeaseSpace));
        Assert.Equal(["10.98.0.0/24", "10.97.0.0/24", "10.99.0.0/24", "fd00:99::/112"], c.Pools.Select(p => p.ToString()));
    }

    [Fact]
    public void Resolve_InlinePrefixesOnly_LeaseSpaceIsTheConnectionAsBefore()
    {
        var c = Assert.Single(Resolve(File("a.conf", Connection("rw", "\"10.97.0.0/24\"", "dns = [ \"203.0.113.53\" ]"))));

        var pool = Assert.Single(c.AddressPools);
        Assert.True(pool.IsInline);
        Assert.Equal("rw", pool.LeaseSpace);
        Assert.Equal([IPAddress.Parse("203.0.113.53")], c.Dns);
    }

    [Fact]
    public void Resolve_UnknownPoolName_NamesFileKeyAndKnownPools()
    {
        var e = Fails(File("a.conf", Pools + Connection("rw", "\"eng\", \"marketing\"")));

        Assert.Equal(("a.conf", "rw.pools[1]"), (e.File, e.Key));
        Assert.Contains("got 'marketing': known pools: eng, sales", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PoolNameWithoutAnyPoolsBlock_SaysNoneAreDeclared()
    {
        var e = Fails(File("a.conf", Connection("rw", "\"sales\"")));

        Assert.Equal("rw.pools[0]", e.Key);
        Assert.Contains("no pools are declared", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PoolDeclaredInTwoFiles_NamesBoth()
    {
        var e = Fails(File("a.conf", Pools), File("b.conf", "pools { eng { addresses = [ \"10.50.0.0/24\" ] } }"));

        Assert.Equal(("b.conf", "pools.eng"), (e.File, e.Key));
        Assert.Contains("also declared in a.conf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_TwoPoolsOverlap_NamesBothFilesAndKeys()
    {
        var e = Fails(File("a.conf", Pools), File("b.conf", "pools { other { addresses = [ \"10.99.0.128/25\" ] } }"));

        Assert.Equal(("b.conf", "pools.other.addresses[0]"), (e.File, e.Key));
        Assert.Contains("10.99.0.128/25 overlaps 10.99.0.0/24 of pool 'sales' (a.conf, key 'pools.sales.addresses')", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_InlinePoolOverlapsAnotherConnections_Refused()
    {
        var e = Fails(File("a.conf", Connection("rw", "\"10.99.0.0/24\"")), File("b.conf", Connection("other", "\"10.99.0.128/25\"")));

        Assert.Equal(("b.conf", "other.pools[0]"), (e.File, e.Key));
        Assert.Contains("overlaps 10.99.0.0/24 of the inline pools of connection 'rw' (a.conf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PoolSharedAcrossInterfaces_RefusedNamingBothConnections()
    {
        var e = Fails(File("a.conf", Pools + Connection("sales", "\"sales\"") + Connection("partners", "\"sales\"", "ipsec-interface = 6")));

        Assert.Equal(("a.conf", "partners.pools[0]"), (e.File, e.Key));
        Assert.Contains("connection 'sales' in a.conf has ipsec-interface = 5 and this one 6", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PoolSharedWithDifferentUnique_Refused()
    {
        var e = Fails(File("a.conf", Pools + Connection("sales", "\"sales\"") + Connection("partners", "\"sales\"", "unique = never")));

        Assert.Equal("partners.pools[0]", e.Key);
        Assert.Contains("agree on unique", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SamePoolNamedTwiceByOneConnection_Refused()
    {
        var e = Fails(File("a.conf", Pools + Connection("rw", "\"eng\", \"eng\"")));

        Assert.Equal("rw.pools[1]", e.Key);
    }

    [Theory]
    [InlineData("pools { sales { addresses = [] } }", "pools.sales.addresses", "at least one prefix")]
    [InlineData("pools { sales { addresses = [ \"10.99.0.1/24\" ] } }", "pools.sales.addresses[0]", "got '10.99.0.1/24'")]
    [InlineData("pools { sales { addresses = [ \"10.99.0.0/24\", \"10.99.0.0/25\" ] } }", "pools.sales.addresses[1]", "do not overlap")]
    [InlineData("pools { sales { adresses = [ \"10.99.0.0/24\" ] } }", "pools.sales.adresses", "expected one of addresses, dns")]
    [InlineData("pools { sales { addresses = [ \"10.99.0.0/24\" ], dns = [ \"ns.example\" ] } }", "pools.sales.dns[0]", "an IPv4 or IPv6 address")]
    [InlineData("pools { 9sales { addresses = [ \"10.99.0.0/24\" ] } }", "pools.9sales", "starting with a letter")]
    [InlineData("pools = [ \"10.99.0.0/24\" ]", "pools", "expected named pools")]
    public void From_BadPoolsBlock_NamesFileKeyAndExpectation(string hocon, string key, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => File("p.conf", hocon));

        Assert.Equal(("p.conf", key), (e.File, e.Key));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
