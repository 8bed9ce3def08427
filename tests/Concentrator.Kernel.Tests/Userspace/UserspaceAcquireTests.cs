using System.Net;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>The userspace dataplane's XFRM_MSG_ACQUIRE: a packet from a TUN device that meets an out policy without a
/// state (a trap policy) asks for one, as the kernel does, once per reqid while they keep coming.</summary>
public sealed class UserspaceAcquireTests
{
    private static UserspaceKernelIpsec NewKernel() => new(new UserspaceIpsecOptions { UdpEndPoint = null, LocalAddresses = [Left] });

    private static PolicyRequest TrapPolicy(uint reqid) =>
        new(new TrafficSelector(IPNetwork.Parse("10.1.0.0/24"), IPNetwork.Parse("10.2.0.0/24")), PolicyDirection.Out,
            [new PolicyTemplate(Left, IPAddress.Parse("192.0.2.2"), reqid)]) { IfId = 1 };

    [Fact]
    public async Task Outbound_TrapPolicyWithoutState_OneAcquireWithReqidTemplateAndIfId()
    {
        await using var k = NewKernel();
        await k.AddPolicyAsync(TrapPolicy(0x4000_0007));
        var buffer = new byte[2048];
        Ipv4Packet("10.1.0.1", "10.2.0.1").CopyTo(buffer, 24);

        Assert.Equal(0, k.Dataplane.Outbound(1, buffer, 84, out _, out _));
        Assert.Equal(0, k.Dataplane.Outbound(1, buffer, 84, out _, out _));

        Assert.True(k.Events.TryRead(out var e));
        var acquire = Assert.IsType<AcquireEvent>(e);
        Assert.Equal(0x4000_0007u, acquire.Reqid);
        Assert.Equal(1u, acquire.IfId);
        Assert.Equal(Left, acquire.Source);
        Assert.Equal(IPAddress.Parse("192.0.2.2"), acquire.Destination);
        Assert.Equal(IPNetwork.Parse("10.2.0.0/24"), acquire.Selector.Destination);
        // The second packet right after the first does not ask again (the kernel holds it back by its larval state).
        Assert.False(k.Events.TryRead(out _));
        Assert.Equal(2, k.Counters[EspDrop.NoSa]);
    }

    [Fact]
    public async Task Outbound_NoPolicy_NoAcquire()
    {
        await using var k = NewKernel();
        var buffer = new byte[2048];
        Ipv4Packet("10.1.0.1", "10.2.0.1").CopyTo(buffer, 24);

        Assert.Equal(0, k.Dataplane.Outbound(1, buffer, 84, out _, out _));

        Assert.False(k.Events.TryRead(out _));
        Assert.Equal(1, k.Counters[EspDrop.NoPolicy]);
    }
}
