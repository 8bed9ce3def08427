using System.Net;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Golden;

/// <summary>
/// XFRM multicast events as the kernel sent them to `ip xfrm monitor` (event-*.txt), through the event
/// reader's parser (XfrmEventReader.Parse, built on our message/attribute readers and wire structs).
/// </summary>
public class EventParserTests
{
    [Fact]
    public void Expire_LarvalStateTimedOut_HardExpireWithSaIdAndReqid()
    {
        var events = Parse("event-expire");

        var e = Assert.IsType<SaExpiredEvent>(Assert.Single(events));
        Assert.True(e.Hard);
        Assert.Equal(new SaId(IPAddress.Parse("192.0.2.5"), IPAddress.Parse("192.0.2.6"), 0xc0000500), e.Sa);
        Assert.Equal(0x40000005u, e.Reqid);
    }

    [Fact]
    public void PolExpire_PolicyWithTimeLimits_SoftThenHard()
    {
        var expires = Parse("event-polexpire").OfType<PolicyExpiredEvent>().ToList();

        Assert.Equal([false, true], expires.Select(e => e.Hard));
        var selector = new TrafficSelector(IPNetwork.Parse("10.50.0.0/16"), IPNetwork.Parse("10.60.0.0/16"));
        Assert.All(expires, e => Assert.Equal(new PolicyId(selector, PolicyDirection.Out), e.Policy));
        Assert.Equal(expires[0].Index, expires[1].Index);
    }

    [Fact]
    public void Acquire_OutboundPacketWithoutSa_TemplateAddressesAndReqid()
    {
        var e = Assert.IsType<AcquireEvent>(Assert.Single(Parse("event-acquire")));

        Assert.Equal(IPAddress.Parse("192.0.2.1"), e.Source);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), e.Destination);
        Assert.Equal(0x40000007u, e.Reqid);
        Assert.Equal(IPAddress.Parse("10.200.0.2"), e.Selector.Destination.BaseAddress);
        Assert.Equal(32, e.Selector.Destination.PrefixLength);
        Assert.NotEqual(0u, e.PolicyIndex);
    }

    /// <summary>xfrm_user_acquire gives no family for its outer addresses: an IPv6 selector over IPv4 outer addresses
    /// (the trap for ::/0 towards an IPv4 peer) must read them as the template's IPv4 ones, not as IPv6.</summary>
    [Fact]
    public void Acquire_Ipv6InsideIpv4Template_OuterAddressesOfTheTemplatesFamily()
    {
        var e = Assert.Single(Parse("event-acquire-v6-in-v4").OfType<AcquireEvent>());

        Assert.Equal(IPAddress.Parse("192.0.2.1"), e.Source);
        Assert.Equal(IPAddress.Parse("192.0.2.9"), e.Destination);
        Assert.Equal(0x40000009u, e.Reqid);
        Assert.Equal(IPNetwork.Parse("2001:db8:200::2/128"), e.Selector.Destination);
        Assert.Equal(IPNetwork.Parse("2001:db8:200::1/128"), e.Selector.Source);
    }

    [Fact]
    public void Acquire_Ipv4InsideIpv6Template_OuterAddressesOfTheTemplatesFamily()
    {
        var e = Assert.Single(Parse("event-acquire-v4-in-v6").OfType<AcquireEvent>());

        Assert.Equal(IPAddress.Parse("2001:db8::1"), e.Source);
        Assert.Equal(IPAddress.Parse("2001:db8::a"), e.Destination);
        Assert.Equal(0x4000000au, e.Reqid);
        Assert.Equal(IPNetwork.Parse("10.201.0.2/32"), e.Selector.Destination);
        Assert.Equal(IPNetwork.Parse("10.201.0.1/32"), e.Selector.Source);
    }

    private static List<KernelEvent> Parse(string capture) =>
        GoldenFile.Load(capture).Received.SelectMany(d => XfrmEventReader.Parse(d)).ToList();
}
