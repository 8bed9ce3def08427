using System.Net;
using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

/// <summary><c>interface-ip</c>: the address a connection puts on its ipsecN, read into the connection with the
/// file, key and what was expected when it is wrong.</summary>
public sealed class InterfaceIpSettingsTests
{
    private static ConnectionSettings Read(string body) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString("s2s { " + body + " }"), "s2s.conf").Connections[0];

    [Fact]
    public void InterfaceIp_NotSet_DefaultsToNone()
    {
        Assert.Null(Read("ipsec-interface = 1").InterfaceIp);
    }

    [Theory]
    [InlineData("192.0.2.1/30", "192.0.2.1", 30)]
    [InlineData("10.255.0.2/32", "10.255.0.2", 32)]
    [InlineData("2001:db8::1/64", "2001:db8::1", 64)]
    public void InterfaceIp_Set_KeepsTheHostAddressAndPrefixLength(string text, string address, byte length)
    {
        var c = Read($"ipsec-interface = 1, interface-ip = \"{text}\"");

        Assert.Equal(new InterfaceAddress(IPAddress.Parse(address), length), c.InterfaceIp);
        Assert.Equal(text, c.InterfaceIp!.ToString());
    }

    [Theory]
    [InlineData("192.0.2.1", "an address with the link's prefix length")]
    [InlineData("192.0.2.1/33", "a prefix length of 1..32")]
    [InlineData("192.0.2.1/0", "a prefix length of 1..32")]
    [InlineData("2001:db8::1/129", "a prefix length of 1..128")]
    [InlineData("fe80::1/64", "a unicast address")]
    [InlineData("0.0.0.0/8", "a unicast address")]
    [InlineData("ipsec1/30", "an address with the link's prefix length")]
    [InlineData("192.0.2.1/ 30", "an address with the link's prefix length")]
    public void InterfaceIp_Invalid_NamesFileKeyAndWhatWasExpected(string text, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Read($"ipsec-interface = 1, interface-ip = \"{text}\""));

        Assert.Equal("s2s.conf", e.File);
        Assert.Equal("s2s.interface-ip", e.Key);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InterfaceIp_WithoutIpsecInterface_IsRefused()
    {
        var e = Assert.Throws<ConfigException>(() => Read("interface-ip = \"192.0.2.1/30\""));

        Assert.Equal("s2s.interface-ip", e.Key);
        Assert.Contains("ipsec-interface = no", e.Message, StringComparison.Ordinal);
    }
}
