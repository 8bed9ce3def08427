using System.Net;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// The compact per-SA bookkeeping of the userspace dataplane (issue 6): SAs and policies chained through
/// themselves instead of lists per reqid, one host policy stored without an array, drop counters made on
/// first drop, outbound SAs without a replay window. Each keeps the behaviour the lists had.
/// </summary>
public class UserspaceCompactTablesTests
{
    private static readonly byte[] Key = Hex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3");

    private static UserspaceKernelIpsec NewKernel() => new(new UserspaceIpsecOptions { UdpEndPoint = null, LocalAddresses = [Left] });

    private static SaRequest Out(uint spi, uint reqid, string peer) =>
        new(Left, IPAddress.Parse(peer), spi, reqid) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = 1 };

    private static SaRequest In(uint spi, uint reqid, string peer) =>
        new(IPAddress.Parse(peer), Left, spi, reqid) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = 1 };

    private static PolicyRequest OutPolicy(string innerPeer, uint reqid, string peer, uint priority = 0) =>
        new(new TrafficSelector(IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse(innerPeer)), PolicyDirection.Out, [new PolicyTemplate(Left, IPAddress.Parse(peer), reqid)])
        {
            IfId = 1,
            Priority = priority,
        };

    private static PolicyRequest InPolicy(string innerPeer, PolicyDirection direction, uint reqid, string peer) =>
        new(new TrafficSelector(IPNetwork.Parse(innerPeer), IPNetwork.Parse("0.0.0.0/0")), direction, [new PolicyTemplate(IPAddress.Parse(peer), Left, reqid)]) { IfId = 1 };

    private static uint? SpiFor(UserspaceKernelIpsec k, string innerDestination)
    {
        var buffer = new byte[2048];
        Ipv4Packet("10.200.0.1", innerDestination).CopyTo(buffer, UserspaceDataplane.Headroom);
        return k.Dataplane.Outbound(1, buffer, 84, out var sa, out _) > 0 ? sa!.Spi : null;
    }

    [Fact]
    public async Task DeleteSa_MiddleOfThreeForOnePeer_NewestStaysThenOldestTakesOver()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(Out(0x3000, 30, "192.0.2.30"));
        await k.AddSaAsync(Out(0x3001, 30, "192.0.2.30"));
        await k.AddSaAsync(Out(0x3002, 30, "192.0.2.30"));
        await k.AddPolicyAsync(OutPolicy("10.3.0.1/32", 30, "192.0.2.30"));

        await k.DeleteSaAsync(Out(0x3001, 30, "192.0.2.30").Id);
        uint? afterMiddle = SpiFor(k, "10.3.0.1");
        await k.DeleteSaAsync(Out(0x3002, 30, "192.0.2.30").Id);
        uint? afterNewest = SpiFor(k, "10.3.0.1");
        await k.DeleteSaAsync(Out(0x3000, 30, "192.0.2.30").Id);
        uint? afterAll = SpiFor(k, "10.3.0.1");

        Assert.Equal(0x3002u, afterMiddle);
        Assert.Equal(0x3000u, afterNewest);
        Assert.Null(afterAll);
        Assert.Equal(1, k.Counters[EspDrop.NoSa]);
    }

    [Fact]
    public async Task InAndFwdPolicy_SameSelector_OneInboundSelectorKeptUntilBothGone()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(In(0x4000, 40, "192.0.2.40"));
        var sa = k.Dataplane.Sas.LookupInbound(0x4000)!;
        var inPolicy = InPolicy("10.4.0.1/32", PolicyDirection.In, 40, "192.0.2.40");
        var fwdPolicy = InPolicy("10.4.0.1/32", PolicyDirection.Fwd, 40, "192.0.2.40");

        await k.AddPolicyAsync(inPolicy);
        await k.AddPolicyAsync(fwdPolicy);
        int both = sa.InboundSelectors.Length;
        await k.DeletePolicyAsync(inPolicy.Id);
        int fwdOnly = sa.InboundSelectors.Length;
        Assert.True(IpPacket.TryParse(Ipv4Packet("10.4.0.1", "10.200.0.1"), out var ok));
        Assert.True(IpPacket.TryParse(Ipv4Packet("10.4.0.2", "10.200.0.1"), out var bad));
        bool okMatches = sa.InboundSelectors[0].Matches(ok);
        bool badMatches = sa.InboundSelectors[0].Matches(bad);
        await k.DeletePolicyAsync(fwdPolicy.Id);

        Assert.Equal(1, both);
        Assert.Equal(1, fwdOnly);
        Assert.True(okMatches);
        Assert.False(badMatches);
        Assert.Empty(sa.InboundSelectors);
    }

    [Fact]
    public async Task InboundSas_RekeyedPairOfOneReqid_BothFollowPolicyChanges()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(In(0x4100, 41, "192.0.2.41"));
        await k.AddSaAsync(In(0x4101, 41, "192.0.2.41"));
        await k.DeleteSaAsync(In(0x4100, 41, "192.0.2.41").Id);
        await k.AddSaAsync(In(0x4102, 41, "192.0.2.41"));

        await k.AddPolicyAsync(InPolicy("10.4.1.1/32", PolicyDirection.In, 41, "192.0.2.41"));

        Assert.Single(k.Dataplane.Sas.LookupInbound(0x4101)!.InboundSelectors);
        Assert.Single(k.Dataplane.Sas.LookupInbound(0x4102)!.InboundSelectors);
    }

    [Fact]
    public async Task HostPolicies_TwoForOneDestination_LowerPriorityValueWinsAndRemovalLeavesOther()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(Out(0x5000, 50, "192.0.2.50"));
        await k.AddSaAsync(Out(0x5100, 51, "192.0.2.51"));
        var icmpOnly = OutPolicy("10.5.0.1/32", 51, "192.0.2.51", priority: 10) with
        {
            Selector = new TrafficSelector(IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse("10.5.0.1/32"), Protocol: 1),
        };
        await k.AddPolicyAsync(OutPolicy("10.5.0.1/32", 50, "192.0.2.50", priority: 20));
        await k.AddPolicyAsync(icmpOnly);

        uint? both = SpiFor(k, "10.5.0.1");
        await k.DeletePolicyAsync(icmpOnly.Id);
        uint? one = SpiFor(k, "10.5.0.1");

        Assert.Equal(0x5100u, both);
        Assert.Equal(0x5000u, one);
    }

    [Fact]
    public void Sa_NoDropYet_CountsZeroThenCountsEachReason()
    {
        var sa = Create(Gcm(0x6000, Key));

        long before = sa.DropCount(EspDrop.Replay);
        sa.CountDrop(EspDrop.Replay);
        sa.CountDrop(EspDrop.Replay);
        sa.CountDrop(EspDrop.BadIcv);

        Assert.Equal(0, before);
        Assert.Equal(2, sa.DropCount(EspDrop.Replay));
        Assert.Equal(1, sa.DropCount(EspDrop.BadIcv));
        Assert.Equal(0, sa.DropCount(EspDrop.Expired));
    }

    [Fact]
    public async Task Policies_SameSelectorDifferentMark_AreDistinctLikePolicyId()
    {
        await using var k = NewKernel();
        var plain = OutPolicy("10.7.0.1/32", 70, "192.0.2.70");
        var marked = plain with { Mark = new XfrmMark(7) };
        var zeroMark = plain with { Mark = new XfrmMark(0, 0) };
        await k.AddPolicyAsync(plain);
        await k.AddPolicyAsync(marked);
        await k.AddPolicyAsync(zeroMark);

        var again = await Assert.ThrowsAsync<KernelException>(async () => await k.AddPolicyAsync(marked with { Priority = 5 }));
        await k.DeletePolicyAsync(marked.Id);
        var gone = await Assert.ThrowsAsync<KernelException>(async () => await k.DeletePolicyAsync(marked.Id));

        Assert.Equal(Errnos.EEXIST, again.Errno);
        Assert.Equal(Errnos.ENOENT, gone.Errno);
        Assert.Equal(2, k.Dataplane.Policies.Count);
    }
}
