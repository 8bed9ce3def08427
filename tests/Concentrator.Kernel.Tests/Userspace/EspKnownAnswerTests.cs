using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// Byte-for-byte ESP packets from RFC 3602 section 4 (AES-CBC in ESP: cases 5-8; cases 1-4 are bare AES-CBC
/// and carry no ESP header), produced by our encapsulation and taken apart by our decapsulation. AES-GCM is in
/// <see cref="EspGcmKnownAnswerTests"/>, ChaCha20-Poly1305 in <see cref="EspChaChaKnownAnswerTests"/>.
/// </summary>
public class EspKnownAnswerTests
{
    public static TheoryData<string, string, uint, uint, string, byte, string, string> Rfc3602Cases => new()
    {
        // case, key, SPI, seq, IV, next header, payload, ESP packet
        { "5", "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 1, "e96e8c08ab465763fd098d45dd3ff893", 1,
          "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
          "0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6" },
        { "6", "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 8, "69d08df7d203329db093fc4924e5bd80", 1,
          "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777",
          "000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75" },
        { "7", "0123456789abcdef0123456789abcdef", 0x8765, 2, "f4e765244f6407adf13dc1380f673f37", 4,
          "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
          "0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d" },
        { "8", "0123456789abcdef0123456789abcdef", 0x8765, 5, "85d47224b5f3dd5d2101d4ea8dffab22", 4,
          "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083da3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
          "000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892" },
    };

    [Theory]
    [MemberData(nameof(Rfc3602Cases))]
    public void Encapsulate_Rfc3602Case_MatchesPacketByteForByte(string name, string key, uint spi, uint seq, string iv, byte nh, string payload, string packet)
    {
        using var sa = CbcOnly(key, spi);
        sa.Transform.UseFixedIv(Hex(iv));
        sa.OutboundSequence = seq - 1;
        var buffer = new byte[512];
        var p = Hex(payload);
        p.CopyTo(buffer, EspCodec.PayloadOffset(sa));

        int n = EspCodec.Encapsulate(sa, buffer, p.Length, nh, 1_000, out _);

        Assert.True(n > 0, $"case {name}");
        Assert.Equal(packet, Convert.ToHexStringLower(buffer.AsSpan(0, n)));
    }

    [Theory]
    [MemberData(nameof(Rfc3602Cases))]
    public void Decapsulate_Rfc3602Case_RecoversPayloadAndNextHeader(string name, string key, uint spi, uint seq, string iv, byte nh, string payload, string packet)
    {
        using var sa = CbcOnly(key, spi);
        var p = Hex(packet);

        bool ok = EspCodec.Decapsulate(sa, p, 1_000, out int off, out int len, out byte gotNh, out var drop);

        Assert.True(ok, $"case {name} {iv} {seq}: {drop}");
        Assert.Equal(nh, gotNh);
        Assert.Equal(payload, Convert.ToHexStringLower(p.AsSpan(off, len)));
    }

    private static EspSa CbcOnly(string key, uint spi)
    {
        var req = new SaRequest(Left, Right, spi, 1) { Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, Hex(key)), ReplayWindow = 32 };
        return new EspSa(req, new CbcHmacEspTransform(Hex(key), null, default, 0), 1_000);
    }
}
