using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>What a reload may change and what it changes: connections by name (added, removed, changed, unchanged),
/// main-file keys read once at start refused by name, and pools with leases kept as they are.</summary>
public sealed class ReloadPlanTests
{
    private const string Sales = """
        sales { local.id = "gw.example.net", remote.id = "*@sales.example", pools = [ "10.99.0.0/24" ] }
        """;

    private const string Eng = """
        eng { local.id = "gw.example.net", remote.id = "*@eng.example", pools = [ "10.98.0.0/24" ] }
        """;

    private const string Secrets = """secrets { "%any" = "a-long-enough-secret" }""";

    private static NodeDefinition Load(string connections, string main = "concentrator.ike.port = 500") =>
        NodeDefinition.Load(ConfigurationFactory.ParseString(main), "HOCON.conf",
            [new ConnectionSource("a.conf", ConfigurationFactory.ParseString(connections + "\n" + Secrets))]);

    [Fact]
    public void Create_ConnectionsAddedRemovedChangedAndKept_SortedByName()
    {
        var current = Load(Sales + Eng + """partners { local.id = "gw.example.net", remote.id = "*@partners.example" }""");
        var next = Load(Sales + Eng.Replace("10.98.0.0/24", "10.97.0.0/24", StringComparison.Ordinal)
            + """labs { local.id = "gw.example.net", remote.id = "*@labs.example" }""");

        var plan = ReloadPlan.Create(current, next, "HOCON.conf", []);

        Assert.Equal(["labs"], plan.Added.Select(c => c.Name));
        Assert.Equal(["partners"], plan.Removed.Select(c => c.Name));
        Assert.Equal(["eng"], plan.Changed.Select(c => c.Name));
        Assert.Equal(["sales"], plan.Unchanged.Select(c => c.Name));
    }

    [Theory]
    [InlineData("remote-ts = [ \"192.0.2.0/24\" ]")]
    [InlineData("local-ts = [ \"198.51.100.0/24\" ]")]
    [InlineData("remote.eap-id = \"alice\"")]
    [InlineData("dns = [ \"198.51.100.53\" ]")]
    [InlineData("esp-proposals = [ \"aes128gcm16\" ]")]
    [InlineData("dpd.timeout = 99s")]
    [InlineData("lifetimes.child = 2h")]
    [InlineData("unique = never")]
    [InlineData("ipsec-interface = 3")]
    public void Create_AnyConnectionKeyChanged_ConnectionChanged(string line)
    {
        var next = Load(Sales.Replace(" }", ", " + line + " }", StringComparison.Ordinal));

        var plan = ReloadPlan.Create(Load(Sales), next, "HOCON.conf", []);

        Assert.Equal(["sales"], plan.Changed.Select(c => c.Name));
        Assert.Equal(ReloadPlan.Fingerprint(Load(Sales).Connections[0]), ReloadPlan.Fingerprint(Load(Sales).Connections[0]));
    }

    [Fact]
    public void Create_MainKeyReadAtStartChanged_RefusedNamingFileKeyAndBothValues()
    {
        var e = Assert.Throws<ConfigException>(() =>
            ReloadPlan.Create(Load(Sales), Load(Sales, "concentrator.ike.port = 501"), "HOCON.conf", []));

        Assert.Equal(("HOCON.conf", "concentrator.ike.port"), (e.File, e.Key));
        Assert.Contains("expected '500'", e.Problem, StringComparison.Ordinal);
        Assert.Contains("found '501'", e.Problem, StringComparison.Ordinal);
        Assert.Contains("cannot change on reload", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MainKeyTheCallerApplies_Accepted()
    {
        var current = Load(Sales, "concentrator.ike.port = 500\nconcentrator.logging.levels { Default = Information }");
        var next = Load(Sales, "concentrator.ike.port = 500\nconcentrator.logging.levels { Default = Debug, \"Concentrator.Server\" = Trace }");

        var plan = ReloadPlan.Create(current, next, "HOCON.conf", ["concentrator.logging.levels"]);

        Assert.Equal(["sales"], plan.Unchanged.Select(c => c.Name));
    }

    [Fact]
    public void Rebind_PoolWithALeaseChangesItsAddresses_RefusedNamingThePool()
    {
        var allocators = new PoolAllocators(null);
        var pools = allocators.For(Load(Sales).Connections[0]);
        Assert.NotNull(pools.Allocate(IkeIdentity.Parse("alice@sales.example"), AddressFamily.InterNetwork, null, 1, reclaim: false));

        var next = Load(Sales.Replace("10.99.0.0/24", "10.99.0.0/23", StringComparison.Ordinal)).Connections;
        var e = Assert.Throws<ConfigException>(() => allocators.Rebind(next));

        Assert.Equal(("a.conf", "sales.pools"), (e.File, e.Key));
        Assert.Contains("while 1 of them are leased", e.Problem, StringComparison.Ordinal);
        Assert.Same(pools.Pools[0], allocators.For(Load(Sales).Connections[0]).Pools[0]);
    }

    [Fact]
    public void Rebind_PoolWithoutLeasesChanges_BuiltAnewOnItsNextUse()
    {
        var allocators = new PoolAllocators(null);
        var before = allocators.For(Load(Sales).Connections[0]).Pools[0];
        var next = Load(Sales.Replace("10.99.0.0/24", "10.99.0.0/23", StringComparison.Ordinal)).Connections;

        allocators.Rebind(next);
        var after = allocators.For(next[0]).Pools[0];

        Assert.NotSame(before, after);
        Assert.Equal([IPNetwork.Parse("10.99.0.0/23")], after.Prefixes);
    }
}
