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

    private static List<KernelEvent> Parse(string capture) =>
        GoldenFile.Load(capture).Received.SelectMany(d => XfrmEventReader.Parse(d)).ToList();
}
