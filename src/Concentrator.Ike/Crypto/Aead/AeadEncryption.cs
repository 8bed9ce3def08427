using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>ENCR_AES_GCM_8/12/16 (RFC 5282) and ENCR_CHACHA20_POLY1305 (RFC 7634) at one key length.</summary>
internal sealed class AeadEncryption : IEncryption
{
    private AeadEncryption(EncryptionId id, int keyBits, int icvLength)
    {
        Id = id;
        KeyBits = keyBits;
        IcvLength = icvLength;
    }

    public EncryptionId Id { get; }

    public int KeyBits { get; }

    public int KeyLength => KeyBits / 8 + AeadSkCipher.SaltLength;

    public bool IsAead => true;

    public int IvLength => AeadSkCipher.IvLength;

    public int IcvLength { get; }

    public static AeadEncryption AesGcm(EncryptionId id, int keyBits) => id switch
    {
        EncryptionId.AesGcm8 => new(id, keyBits, 8),
        EncryptionId.AesGcm12 => new(id, keyBits, 12),
        EncryptionId.AesGcm16 => new(id, keyBits, 16),
        _ => throw new ArgumentOutOfRangeException(nameof(id)),
    };

    /// <summary>RFC 7634 §2: the key is always 256 bits and the ICV 16 octets.</summary>
    public static AeadEncryption ChaCha20Poly1305() => new(EncryptionId.ChaCha20Poly1305, 256, 16);

    public ISkCipher CreateSkCipher(ReadOnlySpan<byte> encryptionKey, IIntegrity? integrity, ReadOnlySpan<byte> integrityKey,
        IRandomSource? random = null)
    {
        if (encryptionKey.Length != KeyLength)
            CryptoThrow.ArgumentLength(nameof(encryptionKey), KeyLength, encryptionKey.Length);
        // RFC 5282 §8 / RFC 7634 §4: combined-mode ciphers are proposed without an integrity transform.
        if (integrity is not null || !integrityKey.IsEmpty)
            throw new ArgumentException("an AEAD transform takes no integrity transform", nameof(integrity));

        ReadOnlySpan<byte> key = encryptionKey[..(KeyBits / 8)];
        ReadOnlySpan<byte> salt = encryptionKey[(KeyBits / 8)..];
        IAeadPrimitive primitive = Id switch
        {
            EncryptionId.ChaCha20Poly1305 => new BclChaCha20Poly1305Primitive(key),
            _ when IcvLength >= System.Security.Cryptography.AesGcm.TagByteSizes.MinSize => new BclAesGcmPrimitive(key, IcvLength),
            _ => new BouncyAesGcmPrimitive(key, IcvLength),
        };
        return new AeadSkCipher(primitive, salt, random ?? SystemRandomSource.Instance);
    }

    internal static bool ChaChaSupported => System.Security.Cryptography.ChaCha20Poly1305.IsSupported;

    internal static bool GcmSupported => System.Security.Cryptography.AesGcm.IsSupported;
}
