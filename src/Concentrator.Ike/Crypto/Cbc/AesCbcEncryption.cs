namespace Concentrator.Ike.Crypto;

/// <summary>ENCR_AES_CBC (RFC 3602) with a 128-, 192- or 256-bit key; always paired with an integrity transform.</summary>
internal sealed class AesCbcEncryption(int keyBits) : IEncryption
{
    public EncryptionId Id => EncryptionId.AesCbc;

    public int KeyBits { get; } = keyBits;

    public int KeyLength => KeyBits / 8;

    public bool IsAead => false;

    public int IvLength => CbcHmacSkCipher.BlockSize;

    public int IcvLength => 0;

    public ISkCipher CreateSkCipher(ReadOnlySpan<byte> encryptionKey, IIntegrity? integrity, ReadOnlySpan<byte> integrityKey,
        IRandomSource? random = null)
    {
        if (encryptionKey.Length != KeyLength)
            CryptoThrow.ArgumentLength(nameof(encryptionKey), KeyLength, encryptionKey.Length);
        // RFC 7296 §3.3: a non-combined cipher MUST come with an integrity algorithm.
        ArgumentNullException.ThrowIfNull(integrity);
        if (integrityKey.Length != integrity.KeyLength)
            CryptoThrow.ArgumentLength(nameof(integrityKey), integrity.KeyLength, integrityKey.Length);
        return new CbcHmacSkCipher(encryptionKey, integrity, integrityKey, random ?? SystemRandomSource.Instance);
    }
}
