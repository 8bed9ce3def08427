using Akka.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Config;

public sealed class InitiatorSettingsTests
{
    private static ConnectionSettings Read(string body) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString("s2s { " + body + " }"), "s2s.conf").Connections[0];

    [Fact]
    public void Initiator_NotSet_RespondsOnlyWithReferenceDefaults()
    {
        var c = Read("remote.id = \"%any\"");

        Assert.Empty(c.Initiator.RemoteAddrs);
        Assert.Equal(StartAction.None, c.Initiator.StartAction);
        Assert.Equal(StartAction.None, c.Initiator.CloseAction);
        Assert.Equal(StartAction.None, c.Initiator.DpdAction);
        Assert.Equal(TimeSpan.FromSeconds(2), c.Initiator.RetryDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), c.Initiator.RetryMaxDelay);
        Assert.False(c.Initiator.Initiates);
        Assert.Empty(c.Routes);
        Assert.Equal(InitiatorSettings.Responder, c.Initiator with { RemoteAddrs = InitiatorSettings.Responder.RemoteAddrs });
    }

    [Fact]
    public void Initiator_AllKeys_Read()
    {
        var c = Read("""
            remote.addrs = [ "192.0.2.2", "gw.example.net" ]
            start-action = start
            close-action = trap
            dpd-action = restart
            retry { delay = 3s, max-delay = 1m }
            routes = [ "10.2.0.0/16" ]
            """);

        Assert.Equal(["192.0.2.2", "gw.example.net"], c.Initiator.RemoteAddrs);
        Assert.Equal(StartAction.Start, c.Initiator.StartAction);
        Assert.Equal(StartAction.Trap, c.Initiator.CloseAction);
        Assert.Equal(StartAction.Start, c.Initiator.DpdAction);
        Assert.Equal(TimeSpan.FromSeconds(3), c.Initiator.RetryDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), c.Initiator.RetryMaxDelay);
        Assert.Equal([System.Net.IPNetwork.Parse("10.2.0.0/16")], c.Routes);
    }

    [Theory]
    [InlineData("start-action = start", "s2s.remote.addrs", "expected the peer's address or DNS name")]
    [InlineData("remote.addrs = [ \"192.0.2.2\" ]\nstart-action = sometimes", "s2s.start-action", "expected none, trap or start, got 'sometimes'")]
    [InlineData("remote.addrs = [ \"192.0.2.2\" ]\ndpd-action = hold", "s2s.dpd-action", "expected none (clear), trap or restart, got 'hold'")]
    [InlineData("remote.addrs = [ \"10.0.0.0/8\" ]", "s2s.remote.addrs[0]", "expected an IP address or a DNS name of the peer, got '10.0.0.0/8'")]
    [InlineData("retry { delay = 10s, max-delay = 5s }", "s2s.retry.max-delay", "expected at least retry.delay")]
    [InlineData("retry.delay = 0s", "s2s.retry.delay", "")]
    [InlineData("remote.addrs = [ \"192.0.2.2\" ]\nstart-action = start\nlocal.auth = eap-md5", "s2s.local.auth", "")]
    [InlineData("routes = [ \"nowhere\" ]", "s2s.routes[0]", "")]
    public void Initiator_BadValue_NamesFileKeyAndExpectation(string body, string key, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Read(body));

        Assert.Equal("s2s.conf", e.File);
        Assert.Equal(key, e.Key);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(7, 100)]
    [InlineData(1000, 100)]
    public void Backoff_Failures_DoublesUpToTheCap(int failures, int seconds)
    {
        var settings = InitiatorSettings.Responder with { RetryDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(100) };

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.Backoff(failures));
    }

    [Fact]
    public void Start_ConnectionCheck_InitiatorConfigProposesTheConnectionsSelectors()
    {
        var c = Read("remote.addrs = [ \"192.0.2.2\" ]\nstart-action = start\nremote.id = \"b.site.test\"\nlocal-ts = [ \"10.1.0.0/24\" ]\nremote-ts = [ \"10.2.0.0/24\" ]");
        var server = ServerSettings.From(ConfigurationFactory.Empty, "main.conf");

        var config = ResponderConfig.For(c, Secrets.Empty, server);

        Assert.Equal("b.site.test", config.RemoteIdentity.ToString());
        Assert.StartsWith("10.1.0.0-10.1.0.255", Assert.Single(config.LocalTrafficSelectors).ToString(), StringComparison.Ordinal);
        Assert.StartsWith("10.2.0.0-10.2.0.255", Assert.Single(config.RemoteTrafficSelectors).ToString(), StringComparison.Ordinal);
    }
}
