using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class IkeKeymatTests
{
    private static readonly byte[] Ni = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Nr = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Shared = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Derive_AesGcm256_HasNoIntegrityKeysAndSaltedEncryptionKeys()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_384);
        IEncryption encr = TransformRegistry.Encryption(EncryptionId.AesGcm16, 256);

        using IkeKeymat keymat = IkeKeymat.Derive(prf, encr, null, Shared, Ni, Nr, 0x1122334455667788UL, 0x99aabbccddeeff00UL);

        // RFC 5282 §7.1: SK_e for GCM = key + 4-octet salt; no SK_a.
        Assert.Equal(0, keymat.SkAi.Length);
        Assert.Equal(0, keymat.SkAr.Length);
        Assert.Equal(36, keymat.SkEi.Length);
        Assert.Equal(48, keymat.SkD.Length);
        byte[] skeyseed = IkeKeymat.ComputeSkeyseed(prf, Shared, Ni, Nr);
        byte[] all = PrfPlus.Derive(prf, skeyseed, [.. Ni, .. Nr, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00], 48 + 72 + 96);
        Assert.Equal(all[48..84], keymat.SkEi.ToArray());
        Assert.Equal(all[84..120], keymat.SkEr.ToArray());
        Assert.Equal(all[168..], keymat.SkPr.ToArray());
    }

    [Fact]
    public void Derive_AeadWithIntegrity_Throws()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        IEncryption encr = TransformRegistry.Encryption(EncryptionId.ChaCha20Poly1305, 0);
        IIntegrity integ = TransformRegistry.Integrity(IntegrityId.HmacSha2_256_128);

        Assert.Throws<ArgumentException>(() => IkeKeymat.Derive(prf, encr, integ, Shared, Ni, Nr, 1UL, 2UL));
        Assert.Throws<ArgumentException>(() => IkeKeymat.Derive(prf, TransformRegistry.Encryption(EncryptionId.AesCbc, 128), null, Shared, Ni, Nr, 1UL, 2UL));
    }

    [Fact]
    public void Dispose_ZeroesAllKeysAndForbidsAccess()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        IkeKeymat keymat = IkeKeymat.Derive(prf, TransformRegistry.Encryption(EncryptionId.AesCbc, 256),
            TransformRegistry.Integrity(IntegrityId.HmacSha2_256_128), Shared, Ni, Nr, 1UL, 2UL);
        ReadOnlySpan<byte> skD = keymat.SkD;
        ReadOnlySpan<byte> skPr = keymat.SkPr;
        Assert.True(skD.IndexOfAnyExcept((byte)0) >= 0);

        keymat.Dispose();

        Assert.True(skD.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(skPr.IndexOfAnyExcept((byte)0) < 0);
        Assert.Throws<ObjectDisposedException>(() => keymat.SkEi.Length);
    }

    [Theory]
    [InlineData(EncryptionId.AesGcm16, 256, IntegrityId.None)]
    [InlineData(EncryptionId.AesGcm8, 128, IntegrityId.None)]
    [InlineData(EncryptionId.ChaCha20Poly1305, 256, IntegrityId.None)]
    [InlineData(EncryptionId.AesCbc, 128, IntegrityId.HmacSha2_256_128)]
    [InlineData(EncryptionId.AesCbc, 256, IntegrityId.HmacSha1_96)]
    public void CreateSkCiphers_InitiatorAndResponder_EachOpensWhatTheOtherSeals(EncryptionId encrId, int bits, IntegrityId integId)
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        IEncryption encr = TransformRegistry.Encryption(encrId, bits);
        IIntegrity? integ = integId == IntegrityId.None ? null : TransformRegistry.Integrity(integId);
        using IkeKeymat initiatorKeys = IkeKeymat.Derive(prf, encr, integ, Shared, Ni, Nr, 7UL, 8UL);
        using IkeKeymat responderKeys = IkeKeymat.Derive(prf, encr, integ, Shared, Ni, Nr, 7UL, 8UL);
        using SkCipherPair initiator = initiatorKeys.CreateSkCiphers(isInitiator: true);
        using SkCipherPair responder = responderKeys.CreateSkCiphers(isInitiator: false);
        byte[] aad = RandomNumberGenerator.GetBytes(32);
        byte[] request = RandomNumberGenerator.GetBytes(77);

        Assert.Equal(request, SkCipherTests.RoundTrip(initiator.Outbound, responder.Inbound, aad, request));
        Assert.Equal(request, SkCipherTests.RoundTrip(responder.Outbound, initiator.Inbound, aad, request));
        // A message sealed for the other direction does not verify.
        byte[] sealedBody = new byte[initiator.Outbound.SealedLength(request.Length)];
        initiator.Outbound.Seal(aad, request, sealedBody);
        Assert.Equal(-1, initiator.Inbound.Open(aad, sealedBody, new byte[sealedBody.Length]));
    }

    [Fact]
    public void DeriveChild_WithAndWithoutPfs_CutsKeysInRfcOrder()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        using IkeKeymat keymat = IkeKeymat.Derive(prf, TransformRegistry.Encryption(EncryptionId.AesGcm16, 128), null, Shared, Ni, Nr, 1UL, 2UL);
        byte[] ni2 = RandomNumberGenerator.GetBytes(16);
        byte[] nr2 = RandomNumberGenerator.GetBytes(16);
        byte[] pfs = RandomNumberGenerator.GetBytes(256);

        using ChildKeymat plain = keymat.DeriveChild(20, 32, [], ni2, nr2);
        using ChildKeymat withPfs = keymat.DeriveChild(20, 32, pfs, ni2, nr2);

        // RFC 7296 §2.17: encr_i | integ_i | encr_r | integ_r from prf+(SK_d, [g^ir |] Ni | Nr).
        byte[] expected = PrfPlus.Derive(prf, keymat.SkD, [.. ni2, .. nr2], 104);
        Assert.Equal(expected[..20], plain.InitiatorEncryptionKey.ToArray());
        Assert.Equal(expected[20..52], plain.InitiatorIntegrityKey.ToArray());
        Assert.Equal(expected[52..72], plain.ResponderEncryptionKey.ToArray());
        Assert.Equal(expected[72..], plain.ResponderIntegrityKey.ToArray());
        byte[] expectedPfs = PrfPlus.Derive(prf, keymat.SkD, [.. pfs, .. ni2, .. nr2], 104);
        Assert.Equal(expectedPfs[..20], withPfs.InitiatorEncryptionKey.ToArray());
    }
}
