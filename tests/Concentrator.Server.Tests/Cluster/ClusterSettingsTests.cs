using Akka.Configuration;
using Concentrator.Server.Cluster;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Cluster;

public sealed class ClusterSettingsTests
{
    private static ClusterSettings Parse(string hocon) => ClusterSettings.From(ConfigurationFactory.ParseString(hocon), "HOCON.conf");

    [Fact]
    public void Reference_NoOverrides_PinsEveryDefaultAndIsOff()
    {
        var s = Parse("");

        Assert.False(s.Enabled);
        Assert.Equal("127.0.0.1", s.Hostname);
        Assert.Equal(4053, s.Port);
        Assert.Empty(s.SeedNodes);
        Assert.Empty(s.Roles);
        Assert.Equal(SplitBrainStrategy.KeepMajority, s.Strategy);
        Assert.Equal(TimeSpan.FromSeconds(20), s.StableAfter);
        Assert.Equal(new ClusterPoolSettings(26, 120, 16), s.Pools);
        Assert.Equal(TimeSpan.FromSeconds(5), s.Pools.MajorityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(6), s.Pools.ReAskAfter);
        Assert.Equal(new ClusterRedirectSettings(false, null, 1.25, 10), s.Redirect);
        Assert.Equal(RedirectExchange.IkeSaInit, s.Redirect.In);
        Assert.True(s.AkkaConfig().IsEmpty);
        Assert.Equal(ClusterSettings.Off with { SeedNodes = s.SeedNodes, Roles = s.Roles }, s);
    }

    [Theory]
    [InlineData("ike-auth", RedirectExchange.IkeAuth)]
    [InlineData("IKE-SA-INIT", RedirectExchange.IkeSaInit)]
    public void From_RedirectIn_ParsesTheExchange(string value, RedirectExchange expected)
    {
        var s = Parse($"concentrator.cluster.redirect.in = {value}");

        Assert.Equal(expected, s.Redirect.In);
    }

    [Fact]
    public void From_SeedsAsHostPort_ExpandsToAkkaAddressesOfTheSystem()
    {
        var s = Parse("""concentrator.cluster { enabled = on, hostname = "192.0.2.11", seed-nodes = [ "192.0.2.11:4053", "[2001:db8::1]:4053", "akka.tcp://concentrator@192.0.2.13:4053" ] }""");

        Assert.Equal(["akka.tcp://concentrator@192.0.2.11:4053", "akka.tcp://concentrator@[2001:db8::1]:4053", "akka.tcp://concentrator@192.0.2.13:4053"], s.SeedNodes);
    }

    [Fact]
    public void AkkaConfig_Enabled_ClusterProviderRemotingSeedsAndKeepMajorityResolver()
    {
        var c = Parse("""concentrator.cluster { enabled = on, hostname = "192.0.2.11", port = 4100, seed-nodes = [ "192.0.2.11:4100" ], roles = [ "edge" ] }""").AkkaConfig();

        Assert.Equal("cluster", c.GetString("akka.actor.provider"));
        Assert.Equal("192.0.2.11", c.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4100, c.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["akka.tcp://concentrator@192.0.2.11:4100"], c.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["edge"], c.GetStringList("akka.cluster.roles"));
        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", c.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", c.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(20), c.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
    }

    [Theory]
    [InlineData("seed-nodes = [ \"192.0.2.11\" ]", "concentrator.cluster.seed-nodes[0]", "HOST:PORT")]
    [InlineData("seed-nodes = [ \"akka.tcp://other@192.0.2.11:4053\" ]", "concentrator.cluster.seed-nodes[0]", "named 'concentrator'")]
    [InlineData("enabled = maybe", "concentrator.cluster.enabled", "on or off")]
    [InlineData("hostname = \"\"", "concentrator.cluster.hostname", "the address the other nodes reach")]
    [InlineData("split-brain-resolver.active-strategy = lease-majority", "concentrator.cluster.split-brain-resolver.active-strategy", "keep-majority")]
    [InlineData("pools.ipv4-block-prefix = 33", "concentrator.cluster.pools.ipv4-block-prefix", "32")]
    [InlineData("redirect.gateway = \"gw.example\"", "concentrator.cluster.redirect.gateway", "IPv4 or IPv6 address")]
    [InlineData("redirect.enabled = on\n hostname = \"node1.example\"", "concentrator.cluster.redirect.gateway", "is not one")]
    [InlineData("redirect.in = informational", "concentrator.cluster.redirect.in", "ike-sa-init or ike-auth")]
    [InlineData("redirect.above-share = 0.5", "concentrator.cluster.redirect.above-share", "1..100")]
    public void From_BadValue_NamesFileKeyAndExpectation(string line, string key, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Parse($"concentrator.cluster {{ enabled = on\n {line} }}"));

        Assert.Equal("HOCON.conf", e.File);
        Assert.Equal(key, e.Key);
        Assert.Contains(expected, e.Problem, StringComparison.Ordinal);
    }
}
