using Akka.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>What a cluster node's reload may change: anything of a connection but the pools and ipsec-interfaces it
/// serves (built once at start with the pool blocks); refused naming the connection key otherwise.</summary>
public sealed class ClusterReloadRuleTests
{
    private const string Pools = """
        pools { staff { addresses = [ "10.99.0.0/24" ] } }
        """;

    private const string Sales = """
        sales { local.id = "gw.example.net", remote.id = "*@sales.example", pools = [ "staff" ], ipsec-interface = 5 }
        """;

    private const string Partners = """
        partners { local.id = "gw.example.net", remote.id = "*@partners.example", pools = [ "staff" ], ipsec-interface = 5 }
        """;

    private static IReadOnlyList<ConnectionSettings> Load(string connections) =>
        NodeDefinition.Load(ConfigurationFactory.ParseString("concentrator.ike.port = 500"), "HOCON.conf",
            [new ConnectionSource("a.conf", ConfigurationFactory.ParseString(Pools + connections + "\nsecrets { \"%any\" = \"a-long-enough-secret\" }"))]).Connections;

    [Theory]
    [InlineData("remote.id = \"*@staff.example\"")]
    [InlineData("esp-proposals = [ \"aes128gcm16\" ]")]
    [InlineData("ike-proposals = [ \"aes128gcm16-prfsha256-ecp256\" ]")]
    [InlineData("lifetimes.ike = 2h")]
    [InlineData("dpd.delay = 45s")]
    public void Check_ConnectionChangedOverTheSamePoolAndInterface_Allowed(string line)
    {
        var next = Load(Sales.Replace(" }", ", " + line + " }", StringComparison.Ordinal));

        Assert.Null(Record.Exception(() => ClusterReloadRule.Check(Load(Sales), next)));
        Assert.Equal(["sales"], ReloadPlan.Create(NodeOf(Sales), NodeOf(Sales.Replace(" }", ", " + line + " }", StringComparison.Ordinal)), "HOCON.conf", []).Changed.Select(c => c.Name));
    }

    [Fact]
    public void Check_ConnectionAddedAndRemovedOverAPoolStillServed_Allowed()
    {
        Assert.Null(Record.Exception(() => ClusterReloadRule.Check(Load(Sales), Load(Sales + Partners))));
        Assert.Null(Record.Exception(() => ClusterReloadRule.Check(Load(Sales + Partners), Load(Partners))));
    }

    [Fact]
    public void Check_PoolAddressesChanged_RefusedNamingThePoolsKey()
    {
        var next = NodeDefinition.Load(ConfigurationFactory.ParseString("concentrator.ike.port = 500"), "HOCON.conf",
            [new ConnectionSource("b.conf", ConfigurationFactory.ParseString(Pools.Replace("/24", "/23", StringComparison.Ordinal) + Sales
                + "\nsecrets { \"%any\" = \"a-long-enough-secret\" }"))]).Connections;

        var e = Assert.Throws<ConfigException>(() => ClusterReloadRule.Check(Load(Sales), next));

        Assert.Equal(("b.conf", "sales.pools"), (e.File, e.Key));
        Assert.Contains("10.99.0.0/23", e.Problem, StringComparison.Ordinal);
        Assert.Contains("restart", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ConnectionWithAnInlinePoolAdded_RefusedNamingIt()
    {
        var e = Assert.Throws<ConfigException>(() => ClusterReloadRule.Check(Load(Sales),
            Load(Sales + """eng { local.id = "gw.example.net", remote.id = "*@eng.example", pools = [ "10.98.0.0/24" ], ipsec-interface = 5 }""")));

        Assert.Equal("eng.pools", e.Key);
    }

    [Fact]
    public void Check_InterfaceChanged_RefusedNamingIpsecInterface()
    {
        var e = Assert.Throws<ConfigException>(() => ClusterReloadRule.Check(Load(Sales), Load(Sales.Replace("= 5", "= 6", StringComparison.Ordinal))));

        Assert.Equal("sales.ipsec-interface", e.Key);
        Assert.Contains("interface ipsec6", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LastConnectionOfAPoolRemoved_RefusedNamingTheRemovedConnection()
    {
        var e = Assert.Throws<ConfigException>(() => ClusterReloadRule.Check(Load(Sales),
            Load("""eng { local.id = "gw.example.net", remote.id = "*@eng.example", ipsec-interface = 5 }""")));

        Assert.Equal("sales", e.Key);
        Assert.Contains("pool 'staff'", e.Problem, StringComparison.Ordinal);
    }

    private static NodeDefinition NodeOf(string connections) =>
        NodeDefinition.Load(ConfigurationFactory.ParseString("concentrator.ike.port = 500"), "HOCON.conf",
            [new ConnectionSource("a.conf", ConfigurationFactory.ParseString(Pools + connections + "\nsecrets { \"%any\" = \"a-long-enough-secret\" }"))]);
}
