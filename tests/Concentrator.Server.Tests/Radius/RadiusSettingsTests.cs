using System.Net;
using Akka.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

public sealed class RadiusSettingsTests
{
    private static RadiusSettings Parse(string hocon) => RadiusSettings.From(ConfigurationFactory.ParseString(hocon), "HOCON.conf");

    private static ConfigException Fails(string hocon) => Assert.Throws<ConfigException>(() => Parse(hocon));

    [Fact]
    public void Reference_NoOverrides_PinsEveryDefault()
    {
        var s = Parse("");

        Assert.Empty(s.Servers);
        Assert.False(s.IsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(3), s.Timeout);
        Assert.Equal(2, s.Retries);
        Assert.Equal("concentrator", s.NasIdentifier);
        Assert.Null(s.NasIpAddress);
        Assert.Equal(TimeSpan.FromMinutes(10), s.InterimInterval);
        Assert.Equal(10_000, s.AccountingBacklog);
        Assert.Equal(RadiusSettings.None with { Servers = s.Servers }, s);
    }

    [Fact]
    public void Servers_TwoEntries_ParsedInOrderWithDefaultPorts()
    {
        var s = Parse("""
            concentrator.radius {
              servers = [ { address = "192.0.2.10", secret = "a" }, { address = "2001:db8::1", port = 11812, acct-port = 11813, secret = "b" } ]
              timeout = 500ms, retries = 0, nas-ip-address = "192.0.2.1"
            }
            """);

        Assert.Equal([new RadiusServer(IPAddress.Parse("192.0.2.10"), 1812, 1813, "a"), new RadiusServer(IPAddress.Parse("2001:db8::1"), 11812, 11813, "b")], s.Servers);
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.Timeout);
        Assert.Equal(0, s.Retries);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), s.NasIpAddress);
        Assert.Equal(TimeSpan.FromSeconds(1), s.WorstCase);
    }

    [Theory]
    [InlineData("servers = [ { address = \"192.0.2.10\" } ]", "concentrator.radius.servers[0].secret", "must not be empty")]
    [InlineData("servers = [ { secret = \"x\" } ]", "concentrator.radius.servers[0].address", "missing")]
    [InlineData("servers = [ { address = \"radius.example\", secret = \"x\" } ]", "concentrator.radius.servers[0].address", "expected an IPv4 or IPv6 address")]
    [InlineData("servers = [ { address = \"192.0.2.10\", secret = \"x\", port = 70000 } ]", "concentrator.radius.servers[0].port", "1..65535")]
    [InlineData("servers = [ { address = \"192.0.2.10\", secret = \"x\", scret = \"y\" } ]", "concentrator.radius.servers[0].scret", "unknown key")]
    [InlineData("servers = \"192.0.2.10\"", "concentrator.radius.servers", "expected a list")]
    [InlineData("retries = 11", "concentrator.radius.retries", "0..10")]
    [InlineData("accounting-backlog = -1", "concentrator.radius.accounting-backlog", "0..1000000")]
    [InlineData("timeout = 0s", "concentrator.radius.timeout", "greater than zero")]
    [InlineData("nas-ip-address = \"2001:db8::1\"", "concentrator.radius.nas-ip-address", "IPv4")]
    [InlineData("nas-identifier = \"\"", "concentrator.radius.nas-identifier", "RFC 2865")]
    public void From_WrongValue_FailsNamingFileKeyAndExpectation(string body, string key, string expectation)
    {
        var e = Fails("concentrator.radius { " + body + " }");

        Assert.Equal("HOCON.conf", e.File);
        Assert.Equal(key, e.Key);
        Assert.Contains(expectation, e.Problem, StringComparison.Ordinal);
    }
}
