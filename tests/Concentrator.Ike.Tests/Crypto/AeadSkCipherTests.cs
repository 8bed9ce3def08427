using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class AeadSkCipherTests
{
    private static VectorFile.Block Vector(string name) => VectorFile.Read("aead-sk.txt").First(b => b.Name == name);

    [Fact]
    public void Seal_Rfc7634AppendixB_ProducesTheRfcBody()
    {
        VectorFile.Block v = Vector("CHACHA20-POLY1305-IKEV2");
        IEncryption encr = TransformRegistry.Encryption(EncryptionId.ChaCha20Poly1305, 256);
        using ISkCipher cipher = encr.CreateSkCipher(v.Hex("keymat"), null, [], new FixedRandom(v.Hex("iv")));
        byte[] plaintext = v.Hex("plaintext");
        var body = new byte[cipher.SealedLength(plaintext.Length)];

        cipher.Seal(v.Hex("aad"), plaintext, body);

        Assert.Equal(Convert.ToHexStringLower(v.Hex("body")), Convert.ToHexStringLower(body));
    }

    [Fact]
    public void Open_Rfc7634AppendixB_ReturnsTheNotifyPayload()
    {
        VectorFile.Block v = Vector("CHACHA20-POLY1305-IKEV2");
        IEncryption encr = TransformRegistry.Encryption(EncryptionId.ChaCha20Poly1305, 0);
        using ISkCipher cipher = encr.CreateSkCipher(v.Hex("keymat"), null, []);
        byte[] body = v.Hex("body");
        var plaintext = new byte[body.Length];

        int length = cipher.Open(v.Hex("aad"), body, plaintext);

        Assert.Equal(v.Hex("plaintext"), plaintext[..length]);
    }

    [Theory]
    [InlineData("AES-GCM-128", EncryptionId.AesGcm16, 16)]
    [InlineData("AES-GCM-128", EncryptionId.AesGcm12, 12)]
    [InlineData("AES-GCM-128", EncryptionId.AesGcm8, 8)]
    [InlineData("AES-GCM-256", EncryptionId.AesGcm16, 16)]
    [InlineData("AES-GCM-256", EncryptionId.AesGcm8, 8)]
    public void Open_GcmSpecVector_UsesSaltFromKeymatAndExplicitIv(string name, EncryptionId id, int icvLength)
    {
        VectorFile.Block v = Vector(name);
        byte[] key = v.Hex("key");
        IEncryption encr = TransformRegistry.Encryption(id, key.Length * 8);
        using ISkCipher cipher = encr.CreateSkCipher([.. key, .. v.Hex("salt")], null, []);
        byte[] body = [.. v.Hex("iv"), .. v.Hex("ciphertext"), .. v.Hex("tag")[..icvLength]];
        var plaintext = new byte[body.Length];

        int length = cipher.Open(v.Hex("aad"), body, plaintext);

        // The vector's plaintext ends in 0x39: read as an SK body that is 57 octets of padding after 2 octets.
        Assert.Equal(v.Hex("inner"), plaintext[..length]);
    }

    [Fact]
    public void Seal_TwoMessages_UseConsecutiveUniqueIvs()
    {
        IEncryption encr = TransformRegistry.Encryption(EncryptionId.AesGcm16, 128);
        var random = new FixedRandom(Convert.FromHexString("00000000000000fe"));
        using ISkCipher cipher = encr.CreateSkCipher(new byte[20], null, [], random);
        var first = new byte[cipher.SealedLength(4)];
        var second = new byte[cipher.SealedLength(4)];

        cipher.Seal([], [1, 2, 3, 4], first);
        cipher.Seal([], [1, 2, 3, 4], second);

        Assert.Equal(Convert.FromHexString("00000000000000fe"), first[..8]);
        Assert.Equal(Convert.FromHexString("00000000000000ff"), second[..8]);
        Assert.NotEqual(first[8..], second[8..]);
        Assert.Equal(1, random.Calls);
    }

    [Fact]
    public void Open_ForeignPaddingOfAnyValue_IsAccepted()
    {
        // RFC 7296 §3.14: the receiver MUST accept any padding value; a peer may pad AEAD payloads too.
        byte[] keymat = RandomNumberGenerator.GetBytes(36);
        byte[] iv = RandomNumberGenerator.GetBytes(8);
        byte[] aad = RandomNumberGenerator.GetBytes(32);
        byte[] inner = [0xaa, 0xbb, 0xcc, 0x17, 0xff, 0x00, 0x42, 0x03];
        byte[] body = SealRaw(keymat, iv, aad, inner);
        using ISkCipher cipher = TransformRegistry.Encryption(EncryptionId.AesGcm16, 256).CreateSkCipher(keymat, null, []);
        var plaintext = new byte[body.Length];

        Assert.Equal(4, cipher.Open(aad, body, plaintext));
        Assert.Equal(inner[..4], plaintext[..4]);
    }

    [Fact]
    public void Open_PadLengthBeyondPlaintext_ThrowsInvalidSyntax()
    {
        byte[] keymat = RandomNumberGenerator.GetBytes(36);
        byte[] iv = RandomNumberGenerator.GetBytes(8);
        byte[] body = SealRaw(keymat, iv, [], [0x01, 0x02, 0x03]);
        using ISkCipher cipher = TransformRegistry.Encryption(EncryptionId.AesGcm16, 256).CreateSkCipher(keymat, null, []);

        var ex = Assert.Throws<IkeProtocolException>(() => cipher.Open([], body, new byte[body.Length]));
        Assert.Equal(NotifyType.InvalidSyntax, ex.Notify);
    }

    /// <summary>Encrypts a hand-made inner (payloads ‖ padding ‖ pad length) with AES-256-GCM-16 as RFC 5282 says.</summary>
    private static byte[] SealRaw(byte[] keymat, byte[] iv, byte[] aad, byte[] inner)
    {
        using var gcm = new AesGcm(keymat[..32], 16);
        var body = new byte[8 + inner.Length + 16];
        iv.CopyTo(body, 0);
        gcm.Encrypt([.. keymat[32..], .. iv], inner, body.AsSpan(8, inner.Length), body.AsSpan(8 + inner.Length), aad);
        return body;
    }
}
