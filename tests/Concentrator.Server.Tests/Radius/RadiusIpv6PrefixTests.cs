using System.Net;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>Framed-IPv6-Prefix (RFC 3162 §2.3; RFC 8044 §3.11 "ipv6prefix"): Reserved, Prefix-Length, then only the
/// octets the length needs (FreeRADIUS sends 2 + 8 for a /64); anything malformed is not a prefix.</summary>
public class RadiusIpv6PrefixTests
{
    private static IPNetwork? Read(string hex) =>
        new RadiusAttribute(RadiusAttributeType.FramedIpv6Prefix, Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))).AsIpv6Prefix();

    [Theory]
    [InlineData("00 40 20010db800780000", "2001:db8:78::/64")]
    [InlineData("00 40 20010db8007800000000000000000000", "2001:db8:78::/64")]
    [InlineData("00 80 20010db8007800000000000000000005", "2001:db8:78::5/128")]
    [InlineData("00 00", "::/0")]
    [InlineData("00 38 20010db8007800", "2001:db8:78::/56")]
    public void AsIpv6Prefix_WellFormed_ThePrefix(string hex, string expected)
    {
        Assert.Equal(IPNetwork.Parse(expected), Read(hex));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("00 81 20010db8007800000000000000000005")]
    [InlineData("00 40 20010db8")]
    [InlineData("00 40 20010db800780000000000000000000000")]
    [InlineData("00 40 20010db800780001 0000000000000001")]
    public void AsIpv6Prefix_Malformed_Null(string hex)
    {
        Assert.Null(Read(hex));
    }

    [Theory]
    [InlineData("2001:db8:78::/64", "00 40 20010db800780000")]
    [InlineData("2001:db8:78::5/128", "00 80 20010db8007800000000000000000005")]
    [InlineData("::/0", "00 00")]
    [InlineData("2001:db8:78::/56", "00 38 20010db8007800")]
    [InlineData("2001:db8:78::/60", "00 3c 20010db800780000")]
    public void Ipv6Prefix_Written_ReservedLengthAndTheOctetsTheLengthNeeds(string prefix, string hex)
    {
        var attribute = RadiusAttribute.Ipv6Prefix(RadiusAttributeType.FramedIpv6Prefix, IPNetwork.Parse(prefix));

        Assert.Equal(hex.Replace(" ", "", StringComparison.Ordinal), Convert.ToHexStringLower(attribute.Value.Span));
        Assert.Equal(IPNetwork.Parse(prefix), attribute.AsIpv6Prefix());
    }

    [Fact]
    public void Ipv6Prefix_IPv4Network_Refused() =>
        Assert.Throws<ArgumentException>(() => RadiusAttribute.Ipv6Prefix(RadiusAttributeType.FramedIpv6Prefix, IPNetwork.Parse("10.0.0.0/8")));

    [Fact]
    public void AssignedIpv6_PrefixOnly_FirstHostAddress()
    {
        var reply = new AccessReply(1, AccessResult.Accept, new IPEndPoint(IPAddress.Loopback, 1812)) { FramedIpv6Prefix = IPNetwork.Parse("2001:db8:78::/64") };

        Assert.Equal(IPAddress.Parse("2001:db8:78::1"), reply.AssignedIpv6);
    }
}
