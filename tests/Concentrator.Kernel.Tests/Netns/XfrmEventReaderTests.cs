using System.Net;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Netns;

/// <summary>The kernel's XFRM multicast events reach <see cref="XfrmEventReader"/>, parsed into records.</summary>
public sealed class XfrmEventReaderTests : IDisposable
{
    private readonly TestNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task Events_PolicyHardLifetimeEnds_PolicyExpiredEventWithSelectorAndIfId()
    {
        using var reader = XfrmEventReader.Open(_ns.Path);
        _ns.Ip("xfrm policy add src 10.9.9.9/32 dst 0.0.0.0/0 dir out if_id 0x4000 limit time-hard 1");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var e = await reader.Events.ReadAsync(timeout.Token);

        var expired = Assert.IsType<PolicyExpiredEvent>(e);
        Assert.True(expired.Hard);
        Assert.Equal(PolicyDirection.Out, expired.Policy.Direction);
        Assert.Equal(0x4000u, expired.Policy.IfId);
        Assert.Equal(IPNetwork.Parse("10.9.9.9/32"), expired.Policy.Selector.Source);
        Assert.Equal(IPNetwork.Parse("0.0.0.0/0"), expired.Policy.Selector.Destination);
        Assert.DoesNotContain("10.9.9.9", _ns.Ip("xfrm policy list"), StringComparison.Ordinal); // the kernel removed it
    }

    [Fact]
    public async Task Events_LarvalSaLifetimeEnds_HardSaExpiredEventWithSpiAndReqid()
    {
        // A larval SA (ALLOCSPI) lives net.core.xfrm_acq_expires seconds, then the kernel expires it: the same
        // XFRM_MSG_EXPIRE a real SA sends at its hard limit, and the one SA kind this kernel can hold.
        NetworkNamespace.WriteSysctl(_ns.Path, "net/core/xfrm_acq_expires", "1");
        using var reader = XfrmEventReader.Open(_ns.Path);
        _ns.Ip("xfrm state allocspi src 198.51.100.7 dst 192.0.2.1 proto esp reqid 0x40000005 mode tunnel min 0xc2000000 max 0xc2000000");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var expired = Assert.IsType<SaExpiredEvent>(await reader.Events.ReadAsync(timeout.Token));
        Assert.True(expired.Hard);
        Assert.Equal(0x40000005u, expired.Reqid);
        Assert.Equal(0xc2000000u, expired.Sa.Spi);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), expired.Sa.Destination);
        Assert.Equal(IPAddress.Parse("198.51.100.7"), expired.Sa.Source);
        Assert.Equal(IpsecProtocol.Esp, expired.Sa.Protocol);
    }

    [Fact]
    public async Task Events_TrafficMatchesPolicyWithoutSa_AcquireEventWithReqid()
    {
        using var reader = XfrmEventReader.Open(_ns.Path);
        // Not on lo: an address on lo makes its whole prefix local. A veth pair inside the namespace is a real route.
        _ns.Ip("link add v0 type veth peer name v1");
        _ns.Ip("link set v0 up");
        _ns.Ip("link set v1 up");
        _ns.Ip("addr add 192.0.2.1/24 dev v0");
        _ns.Ip("xfrm policy add src 192.0.2.1/32 dst 192.0.2.2/32 dir out tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 0x40000001 mode tunnel");

        // Any packet to 192.0.2.2 makes the kernel look for an SA, find none, and ask us (XFRM_MSG_ACQUIRE).
        TestNamespace.TryRun("ip", $"netns exec {_ns.Name} ping -c 1 -W 1 192.0.2.2");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var acquire = Assert.IsType<AcquireEvent>(await reader.Events.ReadAsync(timeout.Token));
        Assert.Equal(0x40000001u, acquire.Reqid);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), acquire.Source);
        Assert.Equal(IPAddress.Parse("192.0.2.2"), acquire.Destination);
        Assert.Equal(0u, acquire.IfId); // a policy with an if_id matches only traffic routed into that xfrm interface
        Assert.NotEqual(0u, acquire.PolicyIndex);
    }

    /// <summary>An IPv6 trap: the out policy's selector is IPv6, its template's outer addresses IPv4 (IPv6 inside an
    /// IPv4 tunnel, the gateway's trap for <c>local-ts = [ "::/0" ]</c> towards an IPv4 peer) or IPv6.</summary>
    [Theory]
    [InlineData("192.0.2.1", "192.0.2.2")]
    [InlineData("2001:db8:9::1", "2001:db8:9::2")]
    public async Task Events_Ipv6TrafficMatchesPolicyWithoutSa_AcquireEventWithIpv6Selector(string outerSource, string outerDestination)
    {
        using var reader = XfrmEventReader.Open(_ns.Path);
        _ns.Ip("link add v0 type veth peer name v1");
        _ns.Ip("link set v0 up");
        _ns.Ip("link set v1 up");
        _ns.Ip("addr add 192.0.2.1/24 dev v0");
        _ns.Ip("addr add 2001:db8:9::1/64 dev v0 nodad");
        _ns.Ip("addr add 2001:db8:1::1/64 dev v0 nodad");
        _ns.Ip($"xfrm policy add src 2001:db8:1::1/128 dst 2001:db8:1::2/128 dir out tmpl src {outerSource} dst {outerDestination} proto esp reqid 0x40000006 mode tunnel");

        TestNamespace.TryRun("ip", $"netns exec {_ns.Name} ping -6 -c 1 -W 1 2001:db8:1::2");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var acquire = Assert.IsType<AcquireEvent>(await reader.Events.ReadAsync(timeout.Token));
        Assert.Equal(0x40000006u, acquire.Reqid);
        Assert.Equal(IPNetwork.Parse("2001:db8:1::1/128"), acquire.Selector.Source);
        Assert.Equal(IPNetwork.Parse("2001:db8:1::2/128"), acquire.Selector.Destination);
        // The outer addresses in the template's family (xfrm_user_acquire itself carries none), IPv4 ones included.
        Assert.Equal(IPAddress.Parse(outerSource), acquire.Source);
        Assert.Equal(IPAddress.Parse(outerDestination), acquire.Destination);
    }
}
