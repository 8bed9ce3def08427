namespace Concentrator.Ike.Crypto;

/// <summary>An encryption transform (type 1) at one key length: what the keymat needs to know to cut SK_e
/// (and ESP keys), and the factory of the SK payload protection for one direction.</summary>
public interface IEncryption
{
    EncryptionId Id { get; }

    /// <summary>The Key Length attribute value (RFC 7296 §3.3.5) in bits: 128, 192 or 256.</summary>
    int KeyBits { get; }

    /// <summary>Octets of keying material taken for SK_ei / SK_er and for ESP encryption keys: the cipher key
    /// plus, for AEAD, the 4-octet salt (RFC 5282 §7.1, RFC 7634 §2 and §4).</summary>
    int KeyLength { get; }

    /// <summary>True for combined-mode ciphers: no integrity transform is negotiated with them (RFC 5282 §8).</summary>
    bool IsAead { get; }

    /// <summary>Octets of the IV carried in each SK payload (AEAD: 8, AES-CBC: 16).</summary>
    int IvLength { get; }

    /// <summary>Octets of the ICV of an AEAD transform; 0 for CBC (the integrity transform defines it).</summary>
    int IcvLength { get; }

    /// <summary>The SK payload protection for one direction. <paramref name="integrity"/> and
    /// <paramref name="integrityKey"/> are required for CBC and must be null/empty for AEAD.
    /// <paramref name="random"/> supplies IVs (default: the system CSPRNG).</summary>
    ISkCipher CreateSkCipher(ReadOnlySpan<byte> encryptionKey, IIntegrity? integrity, ReadOnlySpan<byte> integrityKey,
        IRandomSource? random = null);
}
