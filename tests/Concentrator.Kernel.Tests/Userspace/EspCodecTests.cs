using System.Net;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

public class EspCodecTests
{
    private static readonly byte[] GcmKey = Hex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3");
    private static readonly byte[] ChaChaKey = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" + "a0a1a2a3");

    public static TheoryData<string, bool> Suites => new()
    {
        { "gcm", false }, { "gcm", true }, { "chacha", false }, { "chacha", true }, { "cbc", false }, { "cbc", true }, { "cbcsha1", false },
    };

    private static SaRequest Suite(string name, bool esn, uint spi = 0xC000_0001) => name switch
    {
        "gcm" => Gcm(spi, GcmKey, esn),
        "chacha" => ChaCha(spi, ChaChaKey, esn),
        "cbcsha1" => CbcSha1(spi, Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), Hex("2021222324252627282930313233343536373839")),
        _ => CbcSha256(spi, Hex("000102030405060708090a0b0c0d0e0f"), Hex("101112131415161718191a1b1c1d1e1f101112131415161718191a1b1c1d1e1f"), esn),
    };

    private static (byte[] Buffer, int Length) Seal(EspSa tx, byte[] inner)
    {
        var buffer = new byte[2048];
        inner.CopyTo(buffer, EspCodec.PayloadOffset(tx));
        int n = EspCodec.Encapsulate(tx, buffer, inner.Length, 1_000, out var drop);
        Assert.True(n > 0, drop.ToString());
        return (buffer, n);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void DecapsulateTunnel_SealedByPeer_RecoversInnerPacket(string suite, bool esn)
    {
        using var tx = Create(Suite(suite, esn));
        using var rx = Create(Suite(suite, esn));
        foreach (int size in new[] { 28, 29, 64, 513, 1400 })
        {
            var inner = Ipv4Packet("10.1.0.1", "10.2.0.1", size);
            var (buf, n) = Seal(tx, inner);

            Assert.True(EspCodec.DecapsulateTunnel(rx, buf.AsSpan(0, n), 1_000, out int off, out int len, out var drop), drop.ToString());

            Assert.Equal(inner, buf.AsSpan(off, len).ToArray());
        }

        Assert.Equal(5UL, rx.Packets);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Encapsulate_AnyPayload_BodyAlignedAndPaddingMonotonic(string suite, bool esn)
    {
        using var tx = Create(Suite(suite, esn));
        using var rx = Create(Suite(suite, esn));
        var inner = Ipv4Packet("10.1.0.1", "10.2.0.1", 61);
        var (buf, n) = Seal(tx, inner);
        int body = n - EspCodec.PayloadOffset(tx) - tx.Transform.IcvLength;

        Assert.Equal(0, body % tx.Transform.Alignment);
        Assert.True(EspCodec.Decapsulate(rx, buf.AsSpan(0, n), 1_000, out int off, out int len, out byte nh, out _));
        Assert.Equal(IpPacket.NextHeaderIpv4, nh);
        int pad = body - 2 - len;
        for (int i = 0; i < pad; i++)
        {
            Assert.Equal(i + 1, buf[off + len + i]);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Decapsulate_FlippedBit_BadIcvCounted(string suite, bool esn)
    {
        using var tx = Create(Suite(suite, esn));
        using var rx = Create(Suite(suite, esn));
        var (buf, n) = Seal(tx, Ipv4Packet("10.1.0.1", "10.2.0.1"));
        buf[n - 20] ^= 1;

        Assert.False(EspCodec.Decapsulate(rx, buf.AsSpan(0, n), 1_000, out _, out _, out _, out var drop));

        Assert.Equal(EspDrop.BadIcv, drop);
        Assert.Equal(1, rx.DropCount(EspDrop.BadIcv));
        Assert.Equal(0UL, rx.Replay.Top); // a forged packet must not move the window
    }

    [Fact]
    public void DecapsulateTunnel_Ipv6Inner_NextHeader41AndV6SelectorChecked()
    {
        using var tx = Create(Gcm(1, GcmKey));
        using var rx = Create(Gcm(1, GcmKey));
        rx.InboundSelectors = [new CompiledSelector(new TrafficSelector(IPNetwork.Parse("2001:db8:1::/48"), IPNetwork.Parse("::/0"), Protocol: 17, DestinationPort: 53))];
        var inner = Ipv6Udp("2001:db8:1::5", "2001:db8:2::1", 53);
        var (buf, n) = Seal(tx, inner);

        Assert.True(EspCodec.Decapsulate(Create(Gcm(1, GcmKey)), buf.AsSpan(0, n).ToArray(), 1_000, out _, out _, out byte nh, out _));
        Assert.Equal(IpPacket.NextHeaderIpv6, nh);
        Assert.True(EspCodec.DecapsulateTunnel(rx, buf.AsSpan(0, n), 1_000, out int off, out int len, out var drop), drop.ToString());
        Assert.Equal(inner, buf.AsSpan(off, len).ToArray());
        var (wrongPort, m) = Seal(tx, Ipv6Udp("2001:db8:1::5", "2001:db8:2::1", 54));
        Assert.False(EspCodec.DecapsulateTunnel(rx, wrongPort.AsSpan(0, m), 1_000, out _, out _, out drop));
        Assert.Equal(EspDrop.SelectorMismatch, drop);
    }

    [Fact]
    public void DecapsulateTunnel_NextHeaderDisagreesWithInnerVersion_BadNextHeader()
    {
        using var tx = Create(Gcm(1, GcmKey));
        using var rx = Create(Gcm(1, GcmKey));
        var inner = Ipv4Packet("10.1.0.1", "10.2.0.1");
        var buffer = new byte[512];
        inner.CopyTo(buffer, EspCodec.PayloadOffset(tx));

        int n = EspCodec.Encapsulate(tx, buffer, inner.Length, IpPacket.NextHeaderIpv6, 1_000, out _);

        Assert.False(EspCodec.DecapsulateTunnel(rx, buffer.AsSpan(0, n), 1_000, out _, out _, out var drop));
        Assert.Equal(EspDrop.BadNextHeader, drop);
    }

    private static byte[] Ipv6Udp(string src, string dst, ushort dstPort)
    {
        var p = new byte[40 + 8 + 12];
        p[0] = 0x60;
        p[5] = 20;
        p[6] = 17;
        p[7] = 64;
        IPAddress.Parse(src).TryWriteBytes(p.AsSpan(8), out _);
        IPAddress.Parse(dst).TryWriteBytes(p.AsSpan(24), out _);
        p[40] = 0x30;
        p[41] = 0x39;
        p[42] = (byte)(dstPort >> 8);
        p[43] = (byte)dstPort;
        p[45] = 20;
        return p;
    }

    [Fact]
    public void Decapsulate_WrongKey_BadIcv()
    {
        using var tx = Create(Gcm(1, GcmKey));
        var other = (byte[])GcmKey.Clone();
        other[0] ^= 0xFF;
        using var rx = Create(Gcm(1, other));
        var (buf, n) = Seal(tx, Ipv4Packet("10.1.0.1", "10.2.0.1"));

        Assert.False(EspCodec.Decapsulate(rx, buf.AsSpan(0, n), 1_000, out _, out _, out _, out var drop));
        Assert.Equal(EspDrop.BadIcv, drop);
    }

    [Fact]
    public void Decapsulate_ReplayedPacket_DroppedAsReplay()
    {
        using var tx = Create(Gcm(1, GcmKey));
        using var rx = Create(Gcm(1, GcmKey));
        var (buf, n) = Seal(tx, Ipv4Packet("10.1.0.1", "10.2.0.1"));
        var copy = buf.AsSpan(0, n).ToArray();
        Assert.True(EspCodec.Decapsulate(rx, buf.AsSpan(0, n), 1_000, out _, out _, out _, out _));

        Assert.False(EspCodec.Decapsulate(rx, copy, 1_000, out _, out _, out _, out var drop));

        Assert.Equal(EspDrop.Replay, drop);
        Assert.Equal(1, rx.DropCount(EspDrop.Replay));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(23)]
    public void Decapsulate_Truncated_DroppedAsTruncated(int length)
    {
        using var rx = Create(Gcm(1, GcmKey));
        var p = new byte[length];

        Assert.False(EspCodec.Decapsulate(rx, p, 1_000, out _, out _, out _, out var drop));
        Assert.Equal(EspDrop.Truncated, drop);
    }

    [Fact]
    public void Decapsulate_NonMonotonicPadding_BadPadding()
    {
        using var tx = Create(Gcm(1, GcmKey));
        using var rx = Create(Gcm(1, GcmKey));
        var inner = Ipv4Packet("10.1.0.1", "10.2.0.1", 61); // 61 + 2 -> 1 byte of padding
        var buffer = new byte[512];
        inner.CopyTo(buffer, EspCodec.PayloadOffset(tx));
        // Build the body by hand with padding byte 9 instead of 1, then seal it.
        int off = EspCodec.PayloadOffset(tx);
        buffer[off + 61] = 9;
        buffer[off + 62] = 1;
        buffer[off + 63] = 4;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer, 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), 1);
        tx.Transform.WriteIv(buffer.AsSpan(8, 8), 1);
        tx.Transform.Seal(buffer, 64, 0, false);

        Assert.False(EspCodec.Decapsulate(rx, buffer.AsSpan(0, off + 64 + 16), 1_000, out _, out _, out _, out var drop));
        Assert.Equal(EspDrop.BadPadding, drop);
    }

    [Fact]
    public void DecapsulateTunnel_InnerOutsideSelectors_SelectorMismatch()
    {
        using var tx = Create(Gcm(1, GcmKey));
        using var rx = Create(Gcm(1, GcmKey));
        rx.InboundSelectors = [new CompiledSelector(new TrafficSelector(IPNetwork.Parse("10.1.0.1/32"), IPNetwork.Parse("10.2.0.0/16")))];
        var (ok, okLen) = Seal(tx, Ipv4Packet("10.1.0.1", "10.2.3.4"));
        var (bad, badLen) = Seal(tx, Ipv4Packet("10.9.9.9", "10.2.3.4"));

        Assert.True(EspCodec.DecapsulateTunnel(rx, ok.AsSpan(0, okLen), 1_000, out _, out _, out _));
        Assert.False(EspCodec.DecapsulateTunnel(rx, bad.AsSpan(0, badLen), 1_000, out _, out _, out var drop));
        Assert.Equal(EspDrop.SelectorMismatch, drop);
    }

    [Fact]
    public void Encapsulate_HardPacketLimit_StopsAndRaisesHardOnce()
    {
        var req = Gcm(1, GcmKey) with { Lifetime = new SaLifetime(SoftPackets: 2, HardPackets: 3) };
        using var tx = Create(req);
        var events = new List<bool>();
        tx.Expired = (_, hard) => events.Add(hard);
        var buffer = new byte[512];
        int sent = 0;
        for (int i = 0; i < 5; i++)
        {
            if (EspCodec.Encapsulate(tx, buffer, 40, 1_000, out _) > 0)
            {
                sent++;
            }
        }

        Assert.Equal(3, sent);
        Assert.Equal([false, true], events);
        Assert.Equal(2, tx.DropCount(EspDrop.Expired));
    }

    [Fact]
    public void Decapsulate_HardByteLimit_RefusesOncePassedAndRaisesSoftThenHard()
    {
        var req = Gcm(1, GcmKey) with { Lifetime = new SaLifetime(SoftBytes: 100, HardBytes: 200) };
        using var tx = Create(Gcm(1, GcmKey));
        using var rx = Create(req);
        var events = new List<bool>();
        rx.Expired = (_, hard) => events.Add(hard);
        int accepted = 0;
        for (int i = 0; i < 5; i++)
        {
            var (buf, n) = Seal(tx, Ipv4Packet("10.1.0.1", "10.2.0.1", 84));
            if (EspCodec.DecapsulateTunnel(rx, buf.AsSpan(0, n), 1_000, out _, out _, out _))
            {
                accepted++;
            }
        }

        // 84 + 84 = 168 passes the soft limit; 252 bytes are counted before the hard limit refuses the 4th.
        Assert.Equal(3, accepted);
        Assert.Equal([false, true], events);
        Assert.Equal(252UL, rx.Bytes);
        Assert.Equal(2, rx.DropCount(EspDrop.Expired));
    }

    [Fact]
    public void Encapsulate_NonEsnCounterAtMaximum_SequenceOverflow()
    {
        using var tx = Create(Gcm(1, GcmKey));
        tx.OutboundSequence = uint.MaxValue;

        Assert.Equal(0, EspCodec.Encapsulate(tx, new byte[512], 40, 1_000, out var drop));
        Assert.Equal(EspDrop.SequenceOverflow, drop);
        Assert.True(tx.HardExpired);
    }

    [Fact]
    public void Encapsulate_EsnCounterPastLowHalf_CarriesHighHalfInIcvOnly()
    {
        using var tx = Create(Gcm(1, GcmKey, esn: true));
        using var rx = Create(Gcm(1, GcmKey, esn: true));
        Assert.True(rx.Replay.TryAccept(uint.MaxValue - 1));
        tx.OutboundSequence = uint.MaxValue;
        var (buf, n) = Seal(tx, Ipv4Packet("10.1.0.1", "10.2.0.1"));

        Assert.Equal(0u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buf.AsSpan(4)));
        Assert.True(EspCodec.Decapsulate(rx, buf.AsSpan(0, n), 1_000, out _, out _, out _, out var drop), drop.ToString());
        Assert.Equal(1UL << 32, rx.Replay.Top);
    }
}
