using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class CbcHmacSkCipherTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(16);
    private static readonly byte[] IntegKey = RandomNumberGenerator.GetBytes(32);

    private static ISkCipher Create(IRandomSource? random = null) =>
        TransformRegistry.Encryption(EncryptionId.AesCbc, 128)
            .CreateSkCipher(Key, TransformRegistry.Integrity(IntegrityId.HmacSha2_256_128), IntegKey, random);

    [Fact]
    public void Seal_Layout_IsRandomIvCbcCiphertextAndTruncatedHmacOverAadIvCiphertext()
    {
        byte[] iv = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        using ISkCipher cipher = Create(new FixedRandom(iv));
        byte[] aad = RandomNumberGenerator.GetBytes(32);
        byte[] plaintext = RandomNumberGenerator.GetBytes(20);
        var body = new byte[cipher.SealedLength(plaintext.Length)];

        cipher.Seal(aad, plaintext, body);

        // 16 IV + 32 ciphertext (20 + 11 padding + 1 pad length) + 16 ICV.
        Assert.Equal(64, body.Length);
        Assert.Equal(iv, body[..16]);
        byte[] icv = HMACSHA256.HashData(IntegKey, (byte[])[.. aad, .. body[..48]])[..16];
        Assert.Equal(icv, body[48..]);
        using Aes aes = Aes.Create();
        aes.Key = Key;
        byte[] inner = aes.DecryptCbc(body[16..48], iv, PaddingMode.None);
        Assert.Equal(plaintext, inner[..20]);
        Assert.Equal(11, inner[^1]);
    }

    [Fact]
    public void Open_ForeignPaddingOfAnyValue_IsAccepted()
    {
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] aad = RandomNumberGenerator.GetBytes(28);
        // 3 octets of payload, 28 octets of arbitrary padding, pad length 28: two blocks.
        byte[] inner = [1, 2, 3, .. RandomNumberGenerator.GetBytes(28), 28];
        using Aes aes = Aes.Create();
        aes.Key = Key;
        byte[] ciphertext = aes.EncryptCbc(inner, iv, PaddingMode.None);
        byte[] icv = HMACSHA256.HashData(IntegKey, (byte[])[.. aad, .. iv, .. ciphertext])[..16];
        using ISkCipher cipher = Create();
        var plaintext = new byte[64];

        int length = cipher.Open(aad, [.. iv, .. ciphertext, .. icv], plaintext);

        Assert.Equal(new byte[] { 1, 2, 3 }, plaintext[..length]);
    }

    [Fact]
    public void Open_CiphertextNotWholeBlocks_ThrowsInvalidSyntax()
    {
        using ISkCipher cipher = Create();

        var ex = Assert.Throws<IkeProtocolException>(() => cipher.Open([], new byte[16 + 20 + 16], new byte[64]));
        Assert.Equal(NotifyType.InvalidSyntax, ex.Notify);
    }

    [Fact]
    public void Open_BadIcvWithGarbageCiphertext_ReturnsMinusOneBeforeDecrypting()
    {
        using ISkCipher cipher = Create();
        var plaintext = new byte[64];
        plaintext.AsSpan().Fill(0x5a);

        Assert.Equal(-1, cipher.Open([], RandomNumberGenerator.GetBytes(16 + 32 + 16), plaintext));
        // Nothing was decrypted into the caller's buffer.
        Assert.True(plaintext.AsSpan().IndexOfAnyExcept((byte)0x5a) < 0);
    }
}
