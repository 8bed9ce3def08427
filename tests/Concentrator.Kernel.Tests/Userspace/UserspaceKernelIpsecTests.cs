using System.Net;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>The IKernelIpsec semantics of the userspace implementation, without sockets or devices.</summary>
public class UserspaceKernelIpsecTests
{
    private static readonly byte[] Key = Hex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3");

    private static UserspaceKernelIpsec NewKernel() => new(new UserspaceIpsecOptions { UdpEndPoint = null, LocalAddresses = [Left] });

    private static SaRequest Out(uint spi, uint reqid, string peer, uint ifId = 1) =>
        new(Left, IPAddress.Parse(peer), spi, reqid) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = ifId };

    private static PolicyRequest OutPolicy(string innerPeer, uint reqid, string peer, uint ifId = 1) =>
        new(new TrafficSelector(IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse(innerPeer)), PolicyDirection.Out, [new PolicyTemplate(Left, IPAddress.Parse(peer), reqid)]) { IfId = ifId };

    [Fact]
    public async Task AddSa_Twice_Eexist()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(Out(0x1000, 1, "192.0.2.50"));

        var e = await Assert.ThrowsAsync<KernelException>(async () => await k.AddSaAsync(Out(0x1000, 1, "192.0.2.50")));
        Assert.Equal(Errnos.EEXIST, e.Errno);
    }

    [Fact]
    public async Task DeleteSa_Unknown_Esrch()
    {
        await using var k = NewKernel();

        var e = await Assert.ThrowsAsync<KernelException>(async () => await k.DeleteSaAsync(Out(0x1000, 1, "192.0.2.50").Id));
        Assert.Equal(Errnos.ESRCH, e.Errno);
    }

    [Fact]
    public async Task UpdateSa_AllocatedSpi_InstallsInboundSa()
    {
        await using var k = NewKernel();
        var peer = IPAddress.Parse("192.0.2.50");
        uint spi = await k.AllocateSpiAsync(peer, Left, IpsecProtocol.Esp, 7);

        await k.UpdateSaAsync(new SaRequest(peer, Left, spi, 7) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128) });

        Assert.InRange(spi, 0xC000_0000u, 0xCFFF_FFFFu);
        Assert.NotNull(k.Dataplane.Sas.LookupInbound(spi));
    }

    [Fact]
    public async Task UpdateSa_NeitherAllocatedNorInstalled_Esrch()
    {
        await using var k = NewKernel();

        var e = await Assert.ThrowsAsync<KernelException>(async () => await k.UpdateSaAsync(Out(0x1000, 1, "192.0.2.50")));
        Assert.Equal(Errnos.ESRCH, e.Errno);
    }

    [Fact]
    public async Task AddSa_UnknownAlgorithm_Enosys()
    {
        await using var k = NewKernel();
        var sa = Out(0x1000, 1, "192.0.2.50") with { Aead = new AeadAlgorithm("rfc4309(ccm(aes))", Key, 128) };

        var e = await Assert.ThrowsAsync<KernelException>(async () => await k.AddSaAsync(sa));
        Assert.Equal(Errnos.ENOSYS, e.Errno);
    }

    [Fact]
    public async Task Outbound_HundredThousandHostPolicies_EachPacketFindsItsOwnSa()
    {
        await using var k = NewKernel();
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            string vip = $"10.{(i >> 16) & 0xFF}.{(i >> 8) & 0xFF}.{i & 0xFF}";
            string peer = $"198.51.{(i >> 8) & 0xFF}.{i & 0xFF}";
            await k.AddSaAsync(Out(0x1_0000 + (uint)i, 0x4000_0000 + (uint)i, peer));
            await k.AddPolicyAsync(OutPolicy(vip + "/32", 0x4000_0000 + (uint)i, peer));
        }

        Assert.Equal(n, k.Dataplane.Sas.Count);
        var buffer = new byte[2048];
        foreach (int i in new[] { 0, 1, 4242, 65_535, 65_536, n - 1 })
        {
            Ipv4Packet("10.200.0.1", $"10.{(i >> 16) & 0xFF}.{(i >> 8) & 0xFF}.{i & 0xFF}").CopyTo(buffer, 24);

            int len = k.Dataplane.Outbound(1, buffer, 84, out var sa, out int start);

            Assert.True(len > 0);
            Assert.Equal(0x1_0000 + (uint)i, sa!.Spi);
            Assert.Equal(0x1_0000 + (uint)i, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start)));
        }
    }

    [Fact]
    public async Task Outbound_RangePolicy_LongestPrefixWinsAndOtherIfIdIgnored()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(Out(0x2000, 20, "192.0.2.20"));
        await k.AddSaAsync(Out(0x2100, 21, "192.0.2.21"));
        await k.AddPolicyAsync(OutPolicy("10.0.0.0/8", 20, "192.0.2.20"));
        await k.AddPolicyAsync(OutPolicy("10.1.0.0/16", 21, "192.0.2.21"));
        var buffer = new byte[2048];

        Ipv4Packet("10.200.0.1", "10.1.2.3").CopyTo(buffer, 24);
        Assert.True(k.Dataplane.Outbound(1, buffer, 84, out var inner, out _) > 0);
        Ipv4Packet("10.200.0.1", "10.9.2.3").CopyTo(buffer, 24);
        Assert.True(k.Dataplane.Outbound(1, buffer, 84, out var outer, out _) > 0);
        Ipv4Packet("10.200.0.1", "10.9.2.3").CopyTo(buffer, 24);
        Assert.Equal(0, k.Dataplane.Outbound(2, buffer, 84, out _, out _));

        Assert.Equal(0x2100u, inner!.Spi);
        Assert.Equal(0x2000u, outer!.Spi);
        Assert.Equal(1, k.Counters[EspDrop.NoPolicy]);
    }

    [Fact]
    public async Task Outbound_PolicyWithoutSa_CountedAsNoSa()
    {
        await using var k = NewKernel();
        await k.AddPolicyAsync(OutPolicy("10.5.5.5/32", 99, "192.0.2.99"));
        var buffer = new byte[2048];
        Ipv4Packet("10.200.0.1", "10.5.5.5").CopyTo(buffer, 24);

        Assert.Equal(0, k.Dataplane.Outbound(1, buffer, 84, out _, out _));
        Assert.Equal(1, k.Counters[EspDrop.NoSa]);
    }

    [Fact]
    public async Task DeleteSa_NewerOfRekeyedPair_FallsBackToOlder()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(Out(0x3000, 30, "192.0.2.30"));
        await k.AddSaAsync(Out(0x3001, 30, "192.0.2.30"));
        await k.AddPolicyAsync(OutPolicy("10.3.0.1/32", 30, "192.0.2.30"));
        var buffer = new byte[2048];
        Ipv4Packet("10.200.0.1", "10.3.0.1").CopyTo(buffer, 24);
        Assert.True(k.Dataplane.Outbound(1, buffer, 84, out var first, out _) > 0);

        await k.DeleteSaAsync(Out(0x3001, 30, "192.0.2.30").Id);
        Ipv4Packet("10.200.0.1", "10.3.0.1").CopyTo(buffer, 24);
        Assert.True(k.Dataplane.Outbound(1, buffer, 84, out var second, out _) > 0);

        Assert.Equal(0x3001u, first!.Spi);
        Assert.Equal(0x3000u, second!.Spi);
    }

    [Fact]
    public async Task InPolicy_Added_BecomesInboundSelectorOfSa()
    {
        await using var k = NewKernel();
        var peer = IPAddress.Parse("192.0.2.40");
        await k.AddSaAsync(new SaRequest(peer, Left, 0x4000, 40) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = 1 });
        var sa = k.Dataplane.Sas.LookupInbound(0x4000)!;
        Assert.Empty(sa.InboundSelectors);

        await k.AddPolicyAsync(new PolicyRequest(new TrafficSelector(IPNetwork.Parse("10.4.0.1/32"), IPNetwork.Parse("0.0.0.0/0")), PolicyDirection.In, [new PolicyTemplate(peer, Left, 40)]) { IfId = 1 });

        Assert.Single(sa.InboundSelectors);
        Assert.True(IpPacket.TryParse(Ipv4Packet("10.4.0.1", "10.200.0.1"), out var ok));
        Assert.True(IpPacket.TryParse(Ipv4Packet("10.4.0.2", "10.200.0.1"), out var bad));
        Assert.True(sa.InboundSelectors[0].Matches(ok));
        Assert.False(sa.InboundSelectors[0].Matches(bad));
    }

    [Fact]
    public async Task FlushOwned_MixedReqids_RemovesOnlyOwned()
    {
        await using var k = NewKernel();
        await k.AddSaAsync(Out(0x5000, KernelOwnership.DefaultFirstReqid, "192.0.2.50"));
        await k.AddSaAsync(Out(0x5001, 1, "192.0.2.51"));
        await k.AddPolicyAsync(OutPolicy("10.5.0.1/32", KernelOwnership.DefaultFirstReqid, "192.0.2.50"));
        await k.AddPolicyAsync(OutPolicy("10.5.0.2/32", 1, "192.0.2.51", ifId: 0));

        int removed = await k.FlushOwnedAsync(KernelOwnership.Default(1));

        Assert.Equal(2, removed);
        Assert.Equal(1, k.Dataplane.Sas.Count);
        Assert.Equal(1, k.Dataplane.Policies.Count);
    }

    [Fact]
    public async Task TimeLifetime_SoftThenHard_EventsAndSaRemoved()
    {
        await using var k = NewKernel();
        var sa = Out(0x6000, 60, "192.0.2.60") with { Lifetime = new SaLifetime(SoftAddSeconds: 10, HardAddSeconds: 20) };
        await k.AddSaAsync(sa);

        k.Dataplane.AdvanceClock(11);
        Assert.True(k.Events.TryRead(out var soft));
        k.Dataplane.AdvanceClock(10);
        Assert.True(k.Events.TryRead(out var hard));

        Assert.False(Assert.IsType<SaExpiredEvent>(soft).Hard);
        Assert.True(Assert.IsType<SaExpiredEvent>(hard).Hard);
        Assert.Equal(sa.Id, ((SaExpiredEvent)hard).Sa);
        await Assert.ThrowsAsync<KernelException>(async () => await k.QuerySaAsync(sa.Id));
    }
}
