using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Encoding;

/// <summary>The codec against the SK ciphers of the Crypto folder: the seam <see cref="ISkCipher"/> works both ways
/// for AEAD and for CBC + HMAC, whole and fragmented.</summary>
public sealed class EncryptedMessageCryptoTests
{
    public static TheoryData<string> Suites => ["AES-GCM-16-256", "AES-CBC-256/HMAC-SHA2-256-128", "ChaCha20-Poly1305"];

    private static ISkCipher Create(string suite)
    {
        byte[] key(int length) => SampleMessages.Bytes(length, 0x5a);
        switch (suite)
        {
            case "AES-GCM-16-256":
            {
                IEncryption encryption = TransformRegistry.Encryption(EncryptionId.AesGcm16, 256);
                return encryption.CreateSkCipher(key(encryption.KeyLength), null, default);
            }

            case "ChaCha20-Poly1305":
            {
                IEncryption encryption = TransformRegistry.Encryption(EncryptionId.ChaCha20Poly1305, 256);
                return encryption.CreateSkCipher(key(encryption.KeyLength), null, default);
            }

            default:
            {
                IEncryption encryption = TransformRegistry.Encryption(EncryptionId.AesCbc, 256);
                IIntegrity integrity = TransformRegistry.Integrity(IntegrityId.HmacSha2_256_128);
                return encryption.CreateSkCipher(key(encryption.KeyLength), integrity, key(integrity.KeyLength));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void EncodeEncrypted_WithCryptoCipher_DecryptsToSameContent(string suite)
    {
        using ISkCipher cipher = Create(suite);
        List<Payload> content = SampleMessages.IkeAuthResponseContent();
        byte[] datagram = SampleMessages.Encrypted(ExchangeType.IkeAuth, true, 1, content).ToEncryptedArray(cipher);

        IkeMessage parsed = IkeMessage.Parse(datagram);
        Assert.True(parsed.TryDecrypt(cipher));
        var plain = new IkeMessage(ExchangeType.IkeAuth, 1, 2, 1, IkeHeaderFlags.Response);
        plain.Payloads.AddRange(parsed.Content);
        var expected = new IkeMessage(ExchangeType.IkeAuth, 1, 2, 1, IkeHeaderFlags.Response);
        expected.Payloads.AddRange(content);
        Assert.Equal(expected.ToArray(), plain.ToArray());
        Assert.Equal(datagram, parsed.ToArray());

        datagram[30 + 10] ^= 0x80; // inside the IV / ciphertext
        Assert.False(IkeMessage.Parse(datagram).TryDecrypt(cipher));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void EncodeFragments_WithCryptoCipher_Reassembles(string suite)
    {
        using ISkCipher cipher = Create(suite);
        List<byte[]> fragments = SampleMessages.Encrypted(ExchangeType.IkeAuth, false, 1, SampleMessages.EapRoundContent())
            .EncodeFragments(cipher, 160);
        Assert.All(fragments, f => Assert.InRange(f.Length, 60, 160));

        var reassembler = new FragmentReassembler();
        IkeMessage? whole = null;
        foreach (byte[] fragment in fragments)
        {
            reassembler.Add(IkeMessage.Parse(fragment), cipher, out whole);
        }

        Assert.NotNull(whole);
        Assert.Equal(SampleMessages.EapRoundContent().Select(p => p.Type), whole.Content.Select(p => p.Type));
    }
}
