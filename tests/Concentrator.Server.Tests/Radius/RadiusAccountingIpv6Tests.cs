using System.Net;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>An IPv6 virtual IP in accounting: Framed-IPv6-Address (RFC 6911 §3.1) in every record, and the Access-Accept's
/// Framed-IPv6-Prefix (RFC 3162 §2.3) when the address was taken from it; never a prefix the client's address is not in.</summary>
public class RadiusAccountingIpv6Tests
{
    private static readonly RadiusSettings Settings = new(
        [new RadiusServer(IPAddress.Loopback, 1812, 1813, "secret")], TimeSpan.FromSeconds(1), 1, "nas", null, TimeSpan.FromMinutes(10));

    private static EapRadiusSession Accepted(string? prefix)
    {
        var radius = new EapRadiusSession(3) { UserName = "dave" };
        radius.Apply(new AccessReply(1, AccessResult.Accept, new IPEndPoint(IPAddress.Loopback, 1812))
        {
            FramedIpv6Prefix = prefix is null ? null : IPNetwork.Parse(prefix),
        });
        return radius;
    }

    [Fact]
    public void Session_Ipv6VipInTheAcceptsPrefix_AddressAndPrefix()
    {
        var session = AccountingRecords.Session(Accepted("2001:db8:78::/64"), 1, [IPAddress.Parse("10.77.0.9"), IPAddress.Parse("2001:db8:78::1")]);

        Assert.Equal(IPAddress.Parse("10.77.0.9"), session.FramedIpAddress);
        Assert.Equal(IPAddress.Parse("2001:db8:78::1"), session.FramedIpv6Address);
        Assert.Equal(IPNetwork.Parse("2001:db8:78::/64"), session.FramedIpv6Prefix);
    }

    [Fact]
    public void Session_Ipv6VipFromThePoolOutsideTheAcceptsPrefix_AddressOnly()
    {
        var session = AccountingRecords.Session(Accepted("2001:db8:78::/64"), 1, [IPAddress.Parse("2001:db8:99::7")]);

        Assert.Equal(IPAddress.Parse("2001:db8:99::7"), session.FramedIpv6Address);
        Assert.Null(session.FramedIpv6Prefix);
        Assert.Null(session.FramedIpAddress);
    }

    [Fact]
    public void Session_NoIpv6Vip_NeitherIpv6Attribute()
    {
        var session = AccountingRecords.Session(Accepted("2001:db8:78::/64"), 1, [IPAddress.Parse("10.77.0.9")]);

        Assert.Null(session.FramedIpv6Address);
        Assert.Null(session.FramedIpv6Prefix);
    }

    [Theory]
    [InlineData(AccountingStatus.Start)]
    [InlineData(AccountingStatus.InterimUpdate)]
    [InlineData(AccountingStatus.Stop)]
    public void ForAccounting_Ipv6VipFromPrefix_EveryRecordCarriesPrefixAndAddress(AccountingStatus status)
    {
        var session = AccountingRecords.Session(Accepted("2001:db8:78::/64"), 1, [IPAddress.Parse("10.77.0.9"), IPAddress.Parse("2001:db8:78::1")]);
        var now = DateTimeOffset.UnixEpoch.AddDays(20000);

        var attributes = RadiusRequestAttributes.ForAccounting(new AccountingRequest(1, null, status, session), Settings, now, now);

        // Type 97 (RFC 3162 §2.3): Reserved 0, Prefix-Length 64, the 8 octets of 2001:db8:78::.
        Assert.Equal("004020010db800780000", Hex(Assert.Single(attributes, a => a.Type == RadiusAttributeType.FramedIpv6Prefix)));
        // Type 168 (RFC 6911 §3.1): the 16 octets of 2001:db8:78::1.
        Assert.Equal("20010db8007800000000000000000001", Hex(Assert.Single(attributes, a => a.Type == RadiusAttributeType.FramedIpv6Address)));
        Assert.Equal("0a4d0009", Hex(Assert.Single(attributes, a => a.Type == RadiusAttributeType.FramedIpAddress)));
    }

    [Fact]
    public void ForAccounting_Ipv4VipOnly_NoIpv6Attributes()
    {
        var session = AccountingRecords.Session(Accepted(null), 1, [IPAddress.Parse("10.77.0.9")]);
        var now = DateTimeOffset.UnixEpoch.AddDays(20000);

        var attributes = RadiusRequestAttributes.ForAccounting(new AccountingRequest(1, null, AccountingStatus.Start, session), Settings, now, now);

        Assert.DoesNotContain(attributes, a => a.Type is RadiusAttributeType.FramedIpv6Prefix or RadiusAttributeType.FramedIpv6Address);
    }

    private static string Hex(RadiusAttribute attribute) => Convert.ToHexStringLower(attribute.Value.Span);
}
