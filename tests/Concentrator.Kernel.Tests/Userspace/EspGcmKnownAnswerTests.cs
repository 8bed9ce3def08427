using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// AES-GCM in ESP (RFC 4106), the packets of draft-mcgrew-gcm-test-01 byte for byte: every test case that
/// uses ENCR_AES_GCM_16 (1-14, 16, 17; with and without ESN, 128/192/256-bit keys). Case 15 is
/// ENCR_NULL_AUTH_AES_GMAC (RFC 4543), which this dataplane does not offer. Each packet is built by our
/// encapsulation from the inner payload and taken apart again by our decapsulation.
/// </summary>
public class EspGcmKnownAnswerTests
{
    public static TheoryData<string, string, uint, ulong, bool, string, string, string> GcmCases => new()
    {
        // test case, key|salt, SPI, 64-bit seq, ESN, IV, plaintext (incl. ESP trailer), ciphertext|ICV
        { "1 (AES-128, ESN)", "4c80cdefbb5d10da906ac73c3613a634" + "2e443b68", 0x00004321, 0x8765432100000000, true, "4956ed7e3b244cfe",
          "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f756470037369700963796265726369747902646b000021000101020201",
          "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732" + "459018148f6cbe722fd04796562dfdb4" },
        { "2 (AES-128)", "feffe9928665731c6d6a8f9467308308" + "cafebabe", 0x0000a5f8, 10, false, "facedbaddecaf888",
          "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d001000001000000000000037369700963796265726369747902646b00000100010001",
          "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1" + "83b70d3aa8bc6ee4c309e9d85a41ad4a" },
        { "3 (AES-256)", "abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "11223344", 0x4a2cbfe3, 2, false, "0102030405060708",
          "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201",
          "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8e" + "b335f4eecfdbf831824b4c4915956c96" },
        { "4 (AES-128, zero key)", "00000000000000000000000000000000" + "00000000", 0, 1, false, "0000000000000000",
          "4500003c99c500008001cb7a40679318010101010800075c020044006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
          "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3" + "f821d496eeb096e98ad2b69e4799c71d" },
        { "5 (AES-128, ESN)", "3de09874b388e6491988d0c3607eae1f" + "57690e43", 0x42f67e3f, 0x1010101010101010, true, "4e280000a2fca1a3",
          "4500003c99c300008001cb7c40679318010101010800085c020043006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
          "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a" + "e0d731cc978ecafaeae88f00e80d6e48" },
        { "6 (AES-128, ESN, short)", "3de09874b388e6491988d0c3607eae1f" + "57690e43", 0x42f67e3f, 0x1010101010101010, true, "4e280000a2fca1a3",
          "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
          "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed" + "369f071f35e034be95f112e4e7d05d35" },
        { "7 (AES-192)", "feffe9928665731c6d6a8f9467308308feffe9928665731c" + "cafebabe", 0x0000a5f8, 10, false, "facedbaddecaf888",
          "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e501016d075680001",
          "a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0315b27452144cc77" + "95457b9652037f5318027b5b4cd7a636" },
        { "8 (AES-128, ESN high 0)", "abbccddef00112233445566778899aab" + "decaf888", 0x00000100, 1, true, "cafedebaceface74",
          "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d500004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec959b6266c04722b14923010101",
          "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c226f2127b27db35724e7845d68" + "651f57e65f354f75ff17015769623436" },
        { "9 (AES-256, ESN)", "abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "73616c74", 0x17405e67, 0x156f3126dd0db99b, true, "616e640169766563",
          "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb71260250101f646d540001",
          "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e" + "451626c2415771e3b7eebca614c89b35" },
        { "10 (AES-128, ESN, 1 pad byte)", "3de09874b388e6491988d0c3607eae1f" + "57690e43", 0x42f67e3f, 0x1010101010101010, true, "4e280000a2fca1a3",
          "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b325ae270c03899493915010101",
          "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d54182800cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39ab533163aad4550ee5160975" + "cdb608c5769189609763b8e18caa81e2" },
        { "11 (AES-256, ESN, non-IP payload)", "abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "73616c74", 0x17405e67, 0x156f3126dd0db99b, true, "616e640169766563",
          "636973636f0172756c657301746865016e6574776501646566696e6501746865746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f72726f7701020201",
          "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b012a49363412364f8" + "c0cac587f249e56b11e24f30e44ccc76" },
        { "12 (AES-128, empty payload, seq 2^32-1)", "7d773d00c144c525ac619d18c84a3f47" + "d9664267", 0x335467ae, 0xffffffff, false, "43457e9182443bc6",
          "01020201",
          "437f866b" + "cb3f699fe9b0822bac961c4504bef270" },
        { "13 (AES-128, ESN high 0, non-IP payload)", "abbccddef00112233445566778899aab" + "decaf888", 0x00000100, 1, true, "cafedebaceface74",
          "746f016265016f72016e6f7401746f0162650001",
          "29c9fc69a197d038ccdd14e2ddfcaa0543332164" + "412503524303ed3c6c5f283843af8c3e" },
        { "14 (AES-256, ESN, seq 2^64-1)", "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961" + "7475726e", 0x796b6963, 0xffffffffffffffff, true, "333021696765746d",
          "45000030da3a00008001df3bc0a80005c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f707172737401020201",
          "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a864cd3d78ca4ae68a32b42458fb57dbe821dcc63b9" + "d0937ba2945f669368661a329fb4c053" },
        { "16 (AES-128, ESN)", "3de09874b388e6491988d0c3607eae1f" + "57690e43", 0x3f7ef642, 0x1010101010101010, true, "4e280000a2fca1a3",
          "45000030da3a00008001df3bc0a80005c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f707172737401020201",
          "fba2caa8c6c5f9f0f22ca54a061210ad3f6e5791cf1aca210d117cec9c35791765acbd8701ad79845bf9fe3fba487bc963219306" + "84eecadb56912546e7a95c9740d7cb05" },
        { "17 (AES-128, ESN, ICMP without IP header)", "4c80cdefbb5d10da906ac73c3613a634" + "22433c64", 0x00004321, 0x8765432100000007, true, "4855ec7d3a234bfd",
          "0800c6cd020007006162636465666768696a6b6c6d6e6f707172737401020201",
          "74752e8aeb5d873cd7c0f4acc36c4bff84b7d7b98f0ca8b6acda6894bc619069" + "ef9cbc28fe1b56a7c4e0d58c86cd2bc0" },
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

        int n = EspCodec.Encapsulate(sa, buffer, payload.Length, pt[^1], 1_000, out var drop);

        string expected = Convert.ToHexStringLower(EspHeader(spi, (uint)seq)) + iv + ciphertext;
        Assert.True(n > 0, $"{name}: {drop}");
        Assert.Equal(expected, Convert.ToHexStringLower(buffer.AsSpan(0, n)));
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

        var packet = Hex(Convert.ToHexStringLower(EspHeader(spi, (uint)seq)) + iv + ciphertext);

        bool ok = EspCodec.Decapsulate(sa, packet, 1_000, out int off, out int len, out byte nh, out var drop);

        Assert.True(ok, $"{name}: {drop}");
        var pt = Hex(plaintext);
        Assert.Equal(pt[^1], nh);
        Assert.Equal(Convert.ToHexStringLower(pt.AsSpan(0, pt.Length - 2 - pt[^2])), Convert.ToHexStringLower(packet.AsSpan(off, len)));
    }

    [Theory]
    [MemberData(nameof(GcmCases))]
    public void Decapsulate_GcmDraftVectorWithFlippedIcvBit_DroppedAsBadIcv(string name, string key, uint spi, ulong seq, bool esn, string iv, string plaintext, string ciphertext)
    {
        using var sa = Create(Gcm(spi, Hex(key), esn));
        if (seq > 1)
        {
            Assert.True(sa.Replay.TryAccept(seq - 1));
        }

        var packet = Hex(Convert.ToHexStringLower(EspHeader(spi, (uint)seq)) + iv + ciphertext);
        packet[^1] ^= 0x01;

        bool ok = EspCodec.Decapsulate(sa, packet, 1_000, out _, out _, out _, out var drop);

        Assert.False(ok, name);
        Assert.Equal(EspDrop.BadIcv, drop);
        Assert.Equal(1, sa.DropCount(EspDrop.BadIcv));
        // Nothing of the unauthenticated plaintext is left in the buffer for anyone to forward.
        var body = packet.AsSpan(EspCodec.PayloadOffset(sa), packet.Length - EspCodec.PayloadOffset(sa) - 16);
        Assert.NotEqual(plaintext, Convert.ToHexStringLower(body));
    }
}
