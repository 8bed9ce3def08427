using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// Byte-for-byte ESP packets from RFC 3602 section 4 (AES-CBC, cases 5-8) and draft-mcgrew-gcm-test-01
/// (AES-GCM in ESP, with and without ESN), produced by our encapsulation and taken apart by our decapsulation.
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

    public static TheoryData<string, string, uint, ulong, bool, string, string, string> GcmCases => new()
    {
        // draft-mcgrew-gcm-test-01 test case, key|salt, SPI, 64-bit seq, ESN, IV, plaintext (incl. trailer), ciphertext|ICV
        { "1 (AES-128, ESN)", "4c80cdefbb5d10da906ac73c3613a634" + "2e443b68", 0x00004321, 0x8765432100000000, true, "4956ed7e3b244cfe",
          "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f756470037369700963796265726369747902646b000021000101020201",
          "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732" + "459018148f6cbe722fd04796562dfdb4" },
        { "3 (AES-256)", "abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "11223344", 0x4a2cbfe3, 2, false, "0102030405060708",
          "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201",
          "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8e" + "b335f4eecfdbf831824b4c4915956c96" },
        { "4 (AES-128, zero key)", "00000000000000000000000000000000" + "00000000", 0, 1, false, "0000000000000000",
          "4500003c99c500008001cb7a40679318010101010800075c020044006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
          "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3" + "f821d496eeb096e98ad2b69e4799c71d" },
        { "5 (AES-128, ESN)", "3de09874b388e6491988d0c3607eae1f" + "57690e43", 0x42f67e3f, 0x1010101010101010, true, "4e280000a2fca1a3",
          "4500003c99c300008001cb7c40679318010101010800085c020043006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
          "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a" + "e0d731cc978ecafaeae88f00e80d6e48" },
        { "8 (AES-256, ESN)", "abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "73616c74", 0x17405e67, 0x156f3126dd0db99b, true, "616e640169766563",
          "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb71260250101f646d540001",
          "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e" + "451626c2415771e3b7eebca614c89b35" },
        { "11 (AES-128, ESN high 0)", "abbccddef00112233445566778899aab" + "decaf888", 0x00000100, 1, true, "cafedebaceface74",
          "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d500004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec959b6266c04722b14923010101",
          "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c226f2127b27db35724e7845d68" + "651f57e65f354f75ff17015769623436" },
    };

    [Theory]
    [MemberData(nameof(GcmCases))]
    public void Encapsulate_GcmDraftVector_MatchesPacketByteForByte(string name, string key, uint spi, ulong seq, bool esn, string iv, string plaintext, string ciphertext)
    {
        using var sa = Create(Gcm(spi, Hex(key), esn));
        sa.Transform.UseFixedIv(Hex(iv));
        sa.OutboundSequence = seq - 1;
        var pt = Hex(plaintext);
        // The vectors' plaintext ends with the trailer our encapsulation adds: padding, pad length, next header.
        int padLength = pt[^2];
        var payload = pt.AsSpan(0, pt.Length - 2 - padLength);
        var buffer = new byte[512];
        payload.CopyTo(buffer.AsSpan(EspCodec.PayloadOffset(sa)));

        int n = EspCodec.Encapsulate(sa, buffer, payload.Length, pt[^1], 1_000, out _);

        string expected = Convert.ToHexStringLower(Header(spi, (uint)seq)) + iv + ciphertext;
        Assert.Equal(expected, Convert.ToHexStringLower(buffer.AsSpan(0, n)));
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Theory]
    [MemberData(nameof(GcmCases))]
    public void Decapsulate_GcmDraftVector_RecoversPlaintext(string name, string key, uint spi, ulong seq, bool esn, string iv, string plaintext, string ciphertext)
    {
        // The receiver's window sits just below the packet so the ESN high half is inferred, not given.
        using var sa = Create(Gcm(spi, Hex(key), esn));
        if (seq > 1)
        {
            Assert.True(sa.Replay.TryAccept(seq - 1));
        }

        var packet = Hex(Convert.ToHexStringLower(Header(spi, (uint)seq)) + iv + ciphertext);

        bool ok = EspCodec.Decapsulate(sa, packet, 1_000, out int off, out int len, out byte nh, out var drop);

        Assert.True(ok, $"{name}: {drop}");
        var pt = Hex(plaintext);
        Assert.Equal(pt[^1], nh);
        Assert.Equal(Convert.ToHexStringLower(pt.AsSpan(0, pt.Length - 2 - pt[^2])), Convert.ToHexStringLower(packet.AsSpan(off, len)));
    }

    /// <summary>
    /// RFC 8439 section 2.8.2's AEAD vector read as ESP (RFC 7634 section 2): its 12-byte AAD is SPI 0x50515253,
    /// ESN high 0xc0c1c2c3, low 0xc4c5c6c7, and its nonce is salt 0x07000000 followed by IV 0x4041424344454647.
    /// </summary>
    [Fact]
    public void ChaChaSeal_Rfc8439AeadVectorAsEspWithEsn_MatchesCiphertextAndTag()
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
    }

    private static byte[] Header(uint spi, uint seqLow)
    {
        var h = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(h, spi);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), seqLow);
        return h;
    }

    private static EspSa CbcOnly(string key, uint spi)
    {
        var req = new SaRequest(Left, Right, spi, 1) { Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, Hex(key)), ReplayWindow = 32 };
        return new EspSa(req, new CbcHmacEspTransform(Hex(key), null, default, 0), 1_000);
    }
}
