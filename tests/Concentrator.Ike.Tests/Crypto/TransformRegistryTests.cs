using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class TransformRegistryTests
{
    [Theory]
    [InlineData(EncryptionId.AesCbc, 128, 16, false, 16, 0)]
    [InlineData(EncryptionId.AesCbc, 192, 24, false, 16, 0)]
    [InlineData(EncryptionId.AesCbc, 256, 32, false, 16, 0)]
    [InlineData(EncryptionId.AesGcm8, 128, 20, true, 8, 8)]
    [InlineData(EncryptionId.AesGcm12, 192, 28, true, 8, 12)]
    [InlineData(EncryptionId.AesGcm16, 256, 36, true, 8, 16)]
    [InlineData(EncryptionId.ChaCha20Poly1305, 256, 36, true, 8, 16)]
    public void Encryption_KnownTransform_HasRfcSizes(EncryptionId id, int bits, int keyLength, bool aead, int ivLength, int icvLength)
    {
        Assert.True(TransformRegistry.TryGetEncryption(id, bits, out IEncryption? encr));
        Assert.Equal(keyLength, encr.KeyLength);
        Assert.Equal(aead, encr.IsAead);
        Assert.Equal(ivLength, encr.IvLength);
        Assert.Equal(icvLength, encr.IcvLength);
        Assert.True(TransformRegistry.IsSupported(TransformType.Encryption, (ushort)id, bits));
    }

    [Theory]
    [InlineData(EncryptionId.AesCbc, 0)]
    [InlineData(EncryptionId.AesCbc, 64)]
    [InlineData(EncryptionId.AesGcm16, 0)]
    [InlineData(EncryptionId.ChaCha20Poly1305, 128)]
    [InlineData((EncryptionId)3, 192)]
    public void Encryption_UnknownIdOrKeyLength_IsNotSupported(EncryptionId id, int bits)
    {
        Assert.False(TransformRegistry.IsSupported(TransformType.Encryption, (ushort)id, bits));
        Assert.Throws<NotSupportedException>(() => TransformRegistry.Encryption(id, bits));
    }

    [Theory]
    [InlineData(PrfId.HmacSha1, 20)]
    [InlineData(PrfId.HmacSha2_256, 32)]
    [InlineData(PrfId.HmacSha2_384, 48)]
    [InlineData(PrfId.HmacSha2_512, 64)]
    public void Prf_KnownTransform_KeyLengthIsOutputLength(PrfId id, int length)
    {
        IPrf prf = TransformRegistry.Prf(id);
        Assert.Equal(length, prf.OutputLength);
        Assert.Equal(length, prf.KeyLength);
    }

    [Theory]
    [InlineData(IntegrityId.HmacSha1_96, 20, 12)]
    [InlineData(IntegrityId.HmacSha2_256_128, 32, 16)]
    [InlineData(IntegrityId.HmacSha2_384_192, 48, 24)]
    [InlineData(IntegrityId.HmacSha2_512_256, 64, 32)]
    public void Integrity_KnownTransform_HasRfc4868Sizes(IntegrityId id, int keyLength, int icvLength)
    {
        IIntegrity integ = TransformRegistry.Integrity(id);
        Assert.Equal(keyLength, integ.KeyLength);
        Assert.Equal(icvLength, integ.IcvLength);
    }

    [Theory]
    [InlineData(KeyExchangeId.Modp1024, 128)]
    [InlineData(KeyExchangeId.Modp2048, 256)]
    [InlineData(KeyExchangeId.Modp3072, 384)]
    [InlineData(KeyExchangeId.Modp4096, 512)]
    [InlineData(KeyExchangeId.Ecp256, 64)]
    [InlineData(KeyExchangeId.Ecp384, 96)]
    [InlineData(KeyExchangeId.Ecp521, 132)]
    [InlineData(KeyExchangeId.Curve25519, 32)]
    [InlineData(KeyExchangeId.Curve448, 56)]
    public void KeyExchange_EveryGroup_AgreesWithItselfAtTheRfcLength(KeyExchangeId id, int publicLength)
    {
        using IKeyExchange a = KeyExchange.Create((ushort)id);
        using IKeyExchange b = KeyExchange.Create((ushort)id);

        Assert.Equal(publicLength, a.PublicKey.Length);
        Assert.Equal(id, a.Id);
        Assert.Equal(a.DeriveSharedSecret(b.PublicKey), b.DeriveSharedSecret(a.PublicKey));
    }

    [Fact]
    public void IsSupported_NoneAndUnknown_AreAnsweredByType()
    {
        Assert.True(TransformRegistry.IsSupported(TransformType.Integrity, 0));
        Assert.True(TransformRegistry.IsSupported(TransformType.KeyExchange, 0));
        Assert.False(TransformRegistry.IsSupported(TransformType.KeyExchange, 1)); // MODP-768, never implemented
        Assert.False(TransformRegistry.IsSupported(TransformType.Prf, 4));
        Assert.Throws<NotSupportedException>(() => KeyExchange.Create(5));
    }
}
