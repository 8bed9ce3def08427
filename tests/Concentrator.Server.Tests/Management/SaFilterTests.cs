using System.Net;
using Concentrator.Server.Management;

namespace Concentrator.Server.Tests.Management;

public sealed class SaFilterTests
{
    private static readonly SaSummary Alice = new("ike-00000000000000a1", "sales", "ipsec1", "alice@sales.test", "192.0.2.7:4500", "198.51.100.1:4500",
        ["10.1.0.2", "fd00::2"], DateTimeOffset.UnixEpoch);

    [Fact]
    public void Matches_NoCriteria_Everything() => Assert.True(SaFilter.All.Matches(Alice));

    [Theory]
    [InlineData("identity", "alice@sales.test", true)]
    [InlineData("identity", "ALICE@Sales.test", true)]
    [InlineData("identity", "bob@sales.test", false)]
    [InlineData("connection", "sales", true)]
    [InlineData("connection", "partners", false)]
    [InlineData("interface", "ipsec1", true)]
    [InlineData("interface", "ipsec2", false)]
    [InlineData("id", "ike-00000000000000a1", true)]
    [InlineData("id", "ike-00000000000000a2", false)]
    [InlineData("vip", "fd00::2", true)]
    [InlineData("vip", "10.1.0.3", false)]
    [InlineData("remote", "192.0.2.7", true)]
    [InlineData("remote", "192.0.2.8", false)]
    public void Matches_OneCriterion_ComparesThatField(string key, string value, bool matches)
    {
        var filter = key switch
        {
            "identity" => new SaFilter { Identity = value },
            "connection" => new SaFilter { Connection = value },
            "interface" => new SaFilter { Interface = value },
            "id" => new SaFilter { Id = value },
            "vip" => new SaFilter { VirtualIp = IPAddress.Parse(value) },
            _ => new SaFilter { RemoteAddress = IPAddress.Parse(value) },
        };

        Assert.Equal(matches, filter.Matches(Alice));
    }

    [Fact]
    public void Matches_TwoCriteria_BothMustHold()
    {
        Assert.True(new SaFilter { Connection = "sales", VirtualIp = IPAddress.Parse("10.1.0.2") }.Matches(Alice));
        Assert.False(new SaFilter { Connection = "sales", VirtualIp = IPAddress.Parse("10.1.0.9") }.Matches(Alice));
    }
}
