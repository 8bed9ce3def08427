using System.Net;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// The anti-replay window of the userspace dataplane end to end (SA install, ESP in, counters): 128 packets
/// unless the SA or the options say otherwise, up to 4096, while the netlink path keeps its 32.
/// </summary>
public class UserspaceReplayWindowTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.77");
    private static readonly byte[] Key = Hex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3");

    private static UserspaceKernelIpsec NewKernel(uint? defaultWindow = null) => new(new UserspaceIpsecOptions
    {
        UdpEndPoint = null,
        LocalAddresses = [Left],
        ReplayWindow = defaultWindow ?? UserspaceIpsecOptions.DefaultReplayWindow,
    });

    private static SaRequest Inbound(uint spi) =>
        new(Peer, Left, spi, 0x4000_0077) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), IfId = 1 };

    /// <summary>Seals one ICMP packet with sequence number <paramref name="seq"/> and feeds it to the receive path.</summary>
    private static void Deliver(UserspaceKernelIpsec k, EspSa sender, ulong seq)
    {
        var buffer = new byte[256];
        var inner = Ipv4Packet("10.77.0.1", "10.200.0.1");
        inner.CopyTo(buffer, EspCodec.PayloadOffset(sender));
        sender.OutboundSequence = seq - 1;
        int n = EspCodec.Encapsulate(sender, buffer, inner.Length, 1_000, out var drop);
        Assert.True(n > 0, drop.ToString());
        k.Dataplane.Inbound(buffer.AsSpan(0, n));
    }

    [Fact]
    public void SaRequest_ReplayWindowUnset_KernelPathStill32()
    {
        var request = Inbound(0x7000);

        Assert.False(request.ReplayWindowIsSet);
        Assert.Equal(32u, request.ReplayWindow);
        Assert.True((request with { ReplayWindow = 32 }).ReplayWindowIsSet);
    }

    [Fact]
    public async Task AddSa_ReplayWindowUnset_Gets128()
    {
        await using var k = NewKernel();

        await k.AddSaAsync(Inbound(0x7001));

        Assert.Equal(128u, k.Dataplane.Sas.LookupInbound(0x7001)!.Replay.Size);
    }

    [Fact]
    public async Task AddSa_ReplayWindowSetExplicitly_ExplicitWinsOverOptions()
    {
        await using var k = NewKernel(defaultWindow: 256);

        await k.AddSaAsync(Inbound(0x7002));
        await k.AddSaAsync(Inbound(0x7003) with { ReplayWindow = 32 });

        Assert.Equal(256u, k.Dataplane.Sas.LookupInbound(0x7002)!.Replay.Size);
        Assert.Equal(32u, k.Dataplane.Sas.LookupInbound(0x7003)!.Replay.Size);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(4096u)]
    public async Task Inbound_PacketAtEdgeOfWindow_AcceptedOneFurtherDroppedAndCounted(uint? explicitWindow)
    {
        await using var k = NewKernel();
        var request = explicitWindow is { } w ? Inbound(0x7010) with { ReplayWindow = w } : Inbound(0x7010);
        await k.AddSaAsync(request);
        uint window = k.Dataplane.Sas.LookupInbound(0x7010)!.Replay.Size;
        using var sender = Create(request);
        ulong top = 10_000;

        Deliver(k, sender, top);
        Deliver(k, sender, top - (window - 1)); // the oldest sequence number the window still covers
        Deliver(k, sender, top - window);       // one further back: left of the window
        Deliver(k, sender, top - window - 1000);

        Assert.Equal(explicitWindow ?? 128u, window);
        Assert.Equal(2UL, (await k.QuerySaAsync(request.Id)).Packets);
        Assert.Equal(2, k.QuerySaDrops(request.Id, EspDrop.Replay));
        Assert.Equal(2, k.Counters[EspDrop.Replay]);
    }

    [Fact]
    public async Task Inbound_SamePacketTwiceInsideWindow_SecondDroppedAndCounted()
    {
        await using var k = NewKernel();
        var request = Inbound(0x7011);
        await k.AddSaAsync(request);
        using var sender = Create(request);

        Deliver(k, sender, 500);
        Deliver(k, sender, 400);
        Deliver(k, sender, 400);

        Assert.Equal(2UL, (await k.QuerySaAsync(request.Id)).Packets);
        Assert.Equal(1, k.QuerySaDrops(request.Id, EspDrop.Replay));
    }

    [Fact]
    public async Task AddSa_ReplayWindow4097_EinvalNamingTheLimit()
    {
        await using var k = NewKernel();

        var e = await Assert.ThrowsAsync<KernelException>(async () => await k.AddSaAsync(Inbound(0x7020) with { ReplayWindow = 4097 }));

        Assert.Equal(Errnos.EINVAL, e.Errno);
        Assert.Contains("4096", e.Message, StringComparison.Ordinal);
        Assert.Null(k.Dataplane.Sas.LookupInbound(0x7020));
    }

    [Fact]
    public void Constructor_OptionsReplayWindow4097_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new UserspaceKernelIpsec(new UserspaceIpsecOptions { UdpEndPoint = null, ReplayWindow = 4097 }));

        Assert.Contains("4096", e.Message, StringComparison.Ordinal);
    }
}
