using System.Buffers.Binary;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// ChaCha20-Poly1305 in ESP (RFC 7634) through our ESP code: the Appendix A example packet byte for byte
/// (built by our encapsulation, opened by our tunnel-mode decapsulation), and RFC 8439's AEAD vector read
/// as an ESP packet with ESN.
/// </summary>
public class EspChaChaKnownAnswerTests
{
    // RFC 7634 Appendix A: KEYMAT is the 32-byte key followed by the 4-byte salt.
    private const string Keymat = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" + "a0a1a2a3";
    private const uint Spi = 0x01020304;
    private const uint Sequence = 5;
    private const string Iv = "1011121314151617";

    // The inner packet: an ICMP echo request from 198.51.100.5 to 192.0.2.5, 84 bytes.
    private const string Inner =
        "45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
        + "0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
        + "2425262728292a2b2c2d2e2f3031323334353637";

    // The ESP packet: SPI, sequence number, IV, ciphertext of inner | 01 02 | pad length 2 | next header 4, ICV.
    private const string EspPacket =
        "01020304" + "00000005" + Iv
        + "24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
        + "14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3"
        + "cbec163fac469b502773f6fb94e664da9165b82829f641e0"
        + "76aaa8266b7fb0f7b11b369907e1ad43";

    [Fact]
    public void Encapsulate_Rfc7634AppendixA_MatchesEspPacketByteForByte()
    {
        using var sa = Create(ChaCha(Spi, Hex(Keymat)));
        sa.Transform.UseFixedIv(Hex(Iv));
        sa.OutboundSequence = Sequence - 1;
        var inner = Hex(Inner);
        var buffer = new byte[256];
        inner.CopyTo(buffer, EspCodec.PayloadOffset(sa));

        // The overload the dataplane uses: the next header (4, IPv4) comes from the inner packet.
        int n = EspCodec.Encapsulate(sa, buffer, inner.Length, 1_000, out var drop);

        Assert.True(n > 0, drop.ToString());
        Assert.Equal(EspPacket, Convert.ToHexStringLower(buffer.AsSpan(0, n)));
        Assert.Equal((ulong)Sequence, sa.OutboundSequence);
    }

    [Fact]
    public void DecapsulateTunnel_Rfc7634AppendixA_RecoversInnerPacketThenRejectsReplay()
    {
        using var sa = Create(ChaCha(Spi, Hex(Keymat)));
        var packet = Hex(EspPacket);

        bool ok = EspCodec.DecapsulateTunnel(sa, packet, 1_000, out int off, out int len, out var drop);
        bool again = EspCodec.DecapsulateTunnel(sa, Hex(EspPacket), 1_000, out _, out _, out var againDrop);

        Assert.True(ok, drop.ToString());
        Assert.Equal(Inner, Convert.ToHexStringLower(packet.AsSpan(off, len)));
        Assert.Equal((ulong)Sequence, sa.Replay.Top);
        Assert.False(again);
        Assert.Equal(EspDrop.Replay, againDrop);
        Assert.Equal(1, sa.DropCount(EspDrop.Replay));
    }

    [Theory]
    [InlineData(8)]   // first ciphertext byte
    [InlineData(16)]  // first byte after the IV
    [InlineData(-1)]  // last ICV byte
    [InlineData(4)]   // sequence number: authenticated as AAD
    public void DecapsulateTunnel_Rfc7634AppendixAWithOneBitFlipped_DroppedAsBadIcv(int index)
    {
        using var sa = Create(ChaCha(Spi, Hex(Keymat)));
        var packet = Hex(EspPacket);
        packet[index < 0 ? packet.Length + index : index] ^= 0x80;

        bool ok = EspCodec.DecapsulateTunnel(sa, packet, 1_000, out _, out _, out var drop);

        Assert.False(ok);
        Assert.Equal(EspDrop.BadIcv, drop);
        Assert.Equal(0UL, sa.Replay.Top);
    }

    /// <summary>
    /// RFC 8439 section 2.8.2's AEAD vector read as ESP (RFC 7634 section 2): its 12-byte AAD is SPI 0x50515253,
    /// ESN high 0xc0c1c2c3, low 0xc4c5c6c7, and its nonce is salt 0x07000000 followed by IV 0x4041424344454647.
    /// </summary>
    [Fact]
    public void Encapsulate_Rfc8439AeadVectorAsEspWithEsn_MatchesCiphertextAndTag()
    {
        var key = Hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" + "07000000");
        var pt = System.Text.Encoding.ASCII.GetBytes("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        using var t = new AeadEspTransform(AeadKind.ChaCha20Poly1305, key, 16);
        var packet = new byte[8 + 8 + pt.Length + 16];
        Hex("50515253" + "c4c5c6c7" + "4041424344454647").CopyTo(packet, 0);
        pt.CopyTo(packet, 16);

        t.Seal(packet, pt.Length, 0xc0c1c2c3, esn: true);

        Assert.Equal(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
            + "1ae10b594f09e26a7e902ecbd0600691",
            Convert.ToHexStringLower(packet.AsSpan(16)));
        Assert.True(t.Open(packet, pt.Length, 0xc0c1c2c3, esn: true));
        Assert.Equal(pt, packet.AsSpan(16, pt.Length).ToArray());
        Assert.Equal(0x50515253u, BinaryPrimitives.ReadUInt32BigEndian(packet));
    }
}
