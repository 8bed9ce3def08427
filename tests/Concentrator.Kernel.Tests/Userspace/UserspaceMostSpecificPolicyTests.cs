using System.Net;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// Overlapping CHILD SAs in the userspace dataplane: return traffic leaves through the outbound state of the
/// most specific matching policy — the lower XFRM priority value first, then the longer destination prefix, then
/// the longer source prefix — whatever order the policies were installed in (as XFRM does with the priorities
/// strongSwan derives from prefix lengths).
/// </summary>
public class UserspaceMostSpecificPolicyTests
{
    private static readonly byte[] Key = Hex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3");

    private static UserspaceKernelIpsec NewKernel() => new(new UserspaceIpsecOptions { UdpEndPoint = null, LocalAddresses = [Left] });

    private static SaRequest Out(uint spi, uint reqid, string peer) =>
        new(Left, IPAddress.Parse(peer), spi, reqid) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = 1 };

    private static PolicyRequest OutPolicy(string source, string destination, uint reqid, string peer, uint priority = 0) =>
        new(new TrafficSelector(IPNetwork.Parse(source), IPNetwork.Parse(destination)), PolicyDirection.Out, [new PolicyTemplate(Left, IPAddress.Parse(peer), reqid)])
        {
            IfId = 1,
            Priority = priority,
        };

    private static uint? SpiFor(UserspaceKernelIpsec k, string innerSource, string innerDestination)
    {
        var buffer = new byte[2048];
        Ipv4Packet(innerSource, innerDestination).CopyTo(buffer, UserspaceDataplane.Headroom);
        return k.Dataplane.Outbound(1, buffer, 84, out var sa, out _) > 0 ? sa!.Spi : null;
    }

    private static async Task<UserspaceKernelIpsec> KernelWith(bool reversed, params PolicyRequest[] policies)
    {
        var k = NewKernel();
        foreach (var p in reversed ? policies.Reverse() : policies)
        {
            await k.AddPolicyAsync(p);
        }

        return k;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HostDestination_AnySourceAndNarrowSourceChildSas_ReturnTrafficTakesTheNarrowOne(bool reversed)
    {
        // One road warrior (virtual IP 10.96.0.5) with a 0/0 CHILD SA and a 10.1.0.0/16 one.
        await using var k = await KernelWith(reversed,
            OutPolicy("0.0.0.0/0", "10.96.0.5/32", 60, "192.0.2.60"),
            OutPolicy("10.1.0.0/16", "10.96.0.5/32", 61, "192.0.2.60"));
        await k.AddSaAsync(Out(0x6000, 60, "192.0.2.60"));
        await k.AddSaAsync(Out(0x6100, 61, "192.0.2.60"));

        Assert.Equal(0x6100u, SpiFor(k, "10.1.2.3", "10.96.0.5"));
        Assert.Equal(0x6000u, SpiFor(k, "10.2.0.1", "10.96.0.5"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RangeDestinations_DefaultRouteAndSubnetPeers_LongestDestinationPrefixWins(bool reversed)
    {
        await using var k = await KernelWith(reversed,
            OutPolicy("10.200.0.0/16", "0.0.0.0/0", 70, "192.0.2.70"),
            OutPolicy("10.200.0.0/16", "10.1.0.0/16", 71, "192.0.2.71"),
            OutPolicy("10.200.0.0/16", "10.1.2.0/24", 72, "192.0.2.72"));
        await k.AddSaAsync(Out(0x7000, 70, "192.0.2.70"));
        await k.AddSaAsync(Out(0x7100, 71, "192.0.2.71"));
        await k.AddSaAsync(Out(0x7200, 72, "192.0.2.72"));

        Assert.Equal(0x7200u, SpiFor(k, "10.200.0.1", "10.1.2.3"));
        Assert.Equal(0x7100u, SpiFor(k, "10.200.0.1", "10.1.9.9"));
        Assert.Equal(0x7000u, SpiFor(k, "10.200.0.1", "10.9.0.1"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RangeDestinations_SameDestinationDifferentSources_LongerSourcePrefixWins(bool reversed)
    {
        await using var k = await KernelWith(reversed,
            OutPolicy("0.0.0.0/0", "10.1.0.0/16", 80, "192.0.2.80"),
            OutPolicy("10.200.0.0/24", "10.1.0.0/16", 81, "192.0.2.81"));
        await k.AddSaAsync(Out(0x8000, 80, "192.0.2.80"));
        await k.AddSaAsync(Out(0x8100, 81, "192.0.2.81"));

        Assert.Equal(0x8100u, SpiFor(k, "10.200.0.1", "10.1.0.1"));
        Assert.Equal(0x8000u, SpiFor(k, "10.201.0.1", "10.1.0.1"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RangeAndHostPolicies_RangeHasLowerPriorityValue_PriorityBeatsPrefixLength(bool reversed)
    {
        await using var k = await KernelWith(reversed,
            OutPolicy("0.0.0.0/0", "10.5.0.1/32", 90, "192.0.2.90", priority: 20),
            OutPolicy("0.0.0.0/0", "10.5.0.0/16", 91, "192.0.2.91", priority: 10));
        await k.AddSaAsync(Out(0x9000, 90, "192.0.2.90"));
        await k.AddSaAsync(Out(0x9100, 91, "192.0.2.91"));

        Assert.Equal(0x9100u, SpiFor(k, "10.200.0.1", "10.5.0.1"));
    }

    [Fact]
    public async Task MostSpecificPolicy_Removed_NextMostSpecificTakesOver()
    {
        var narrow = OutPolicy("10.1.0.0/16", "10.96.0.7/32", 101, "192.0.2.100");
        await using var k = await KernelWith(false, OutPolicy("0.0.0.0/0", "10.96.0.7/32", 100, "192.0.2.100"), narrow);
        await k.AddSaAsync(Out(0xa000, 100, "192.0.2.100"));
        await k.AddSaAsync(Out(0xa100, 101, "192.0.2.100"));

        uint? before = SpiFor(k, "10.1.0.1", "10.96.0.7");
        await k.DeletePolicyAsync(narrow.Id);
        uint? after = SpiFor(k, "10.1.0.1", "10.96.0.7");

        Assert.Equal(0xa100u, before);
        Assert.Equal(0xa000u, after);
    }
}
