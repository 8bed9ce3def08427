using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

/// <summary>Behaviour common to every ISkCipher: round trip, tamper detection, malformed bodies.</summary>
public class SkCipherTests
{
    internal static byte[] RoundTrip(ISkCipher sender, ISkCipher receiver, byte[] aad, byte[] plaintext)
    {
        var body = new byte[sender.SealedLength(plaintext.Length)];
        Assert.Equal(body.Length, sender.Seal(aad, plaintext, body));
        var opened = new byte[body.Length];
        int length = receiver.Open(aad, body, opened);
        Assert.True(length >= 0, "ICV did not verify");
        return opened[..length];
    }

    public static TheoryData<EncryptionId, int, IntegrityId> Suites => new()
    {
        { EncryptionId.AesGcm8, 128, IntegrityId.None },
        { EncryptionId.AesGcm12, 192, IntegrityId.None },
        { EncryptionId.AesGcm16, 256, IntegrityId.None },
        { EncryptionId.ChaCha20Poly1305, 256, IntegrityId.None },
        { EncryptionId.AesCbc, 128, IntegrityId.HmacSha1_96 },
        { EncryptionId.AesCbc, 192, IntegrityId.HmacSha2_384_192 },
        { EncryptionId.AesCbc, 256, IntegrityId.HmacSha2_512_256 },
    };

    internal static (ISkCipher Sender, ISkCipher Receiver) Pair(EncryptionId id, int bits, IntegrityId integId)
    {
        IEncryption encr = TransformRegistry.Encryption(id, bits);
        IIntegrity? integ = integId == IntegrityId.None ? null : TransformRegistry.Integrity(integId);
        byte[] key = RandomNumberGenerator.GetBytes(encr.KeyLength);
        byte[] integKey = integ is null ? [] : RandomNumberGenerator.GetBytes(integ.KeyLength);
        return (encr.CreateSkCipher(key, integ, integKey), encr.CreateSkCipher(key, integ, integKey));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Seal_ThenOpen_ReturnsInnerPayloadsForEveryLength(EncryptionId id, int bits, IntegrityId integ)
    {
        (ISkCipher sender, ISkCipher receiver) = Pair(id, bits, integ);
        using (sender)
        using (receiver)
        {
            byte[] aad = RandomNumberGenerator.GetBytes(32);
            foreach (int length in new[] { 0, 1, 15, 16, 17, 400, 1300 })
            {
                byte[] plaintext = RandomNumberGenerator.GetBytes(length);
                Assert.Equal(plaintext, RoundTrip(sender, receiver, aad, plaintext));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Open_AnyFlippedBit_ReturnsMinusOne(EncryptionId id, int bits, IntegrityId integ)
    {
        (ISkCipher sender, ISkCipher receiver) = Pair(id, bits, integ);
        using (sender)
        using (receiver)
        {
            byte[] aad = RandomNumberGenerator.GetBytes(32);
            byte[] plaintext = RandomNumberGenerator.GetBytes(100);
            var body = new byte[sender.SealedLength(plaintext.Length)];
            sender.Seal(aad, plaintext, body);
            var output = new byte[body.Length];

            foreach (int position in new[] { 0, 7, 20, body.Length - 1 })
            {
                byte[] tampered = (byte[])body.Clone();
                tampered[position] ^= 0x01;
                Assert.Equal(-1, receiver.Open(aad, tampered, output));
            }
            byte[] tamperedAad = (byte[])aad.Clone();
            tamperedAad[3] ^= 0x80;
            Assert.Equal(-1, receiver.Open(tamperedAad, body, output));
            Assert.Equal(plaintext.Length, receiver.Open(aad, body, output));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Open_BodyTooShort_ThrowsInvalidSyntax(EncryptionId id, int bits, IntegrityId integ)
    {
        (ISkCipher sender, ISkCipher receiver) = Pair(id, bits, integ);
        using (sender)
        using (receiver)
        {
            int minimum = sender.SealedLength(0);
            var ex = Assert.Throws<IkeProtocolException>(() => receiver.Open([], new byte[minimum - 1], new byte[minimum]));
            Assert.Equal(NotifyType.InvalidSyntax, ex.Notify);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Open_SmallPlaintextBuffer_StillReturnsInnerPayloads(EncryptionId id, int bits, IntegrityId integ)
    {
        (ISkCipher sender, ISkCipher receiver) = Pair(id, bits, integ);
        using (sender)
        using (receiver)
        {
            byte[] plaintext = RandomNumberGenerator.GetBytes(33);
            var body = new byte[sender.SealedLength(plaintext.Length)];
            sender.Seal([], plaintext, body);
            var exact = new byte[33];

            Assert.Equal(33, receiver.Open([], body, exact));
            Assert.Equal(plaintext, exact);
        }
    }
}
