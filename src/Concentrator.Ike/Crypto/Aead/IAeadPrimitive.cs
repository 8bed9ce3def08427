namespace Concentrator.Ike.Crypto;

/// <summary>One AEAD key: encrypt/decrypt with a 12-octet nonce; ciphertext and tag are contiguous, as they
/// are inside the SK payload (RFC 5282 §3).</summary>
internal interface IAeadPrimitive : IDisposable
{
    int TagLength { get; }

    /// <summary>Writes <c>ciphertext ‖ tag</c> (plaintext length + <see cref="TagLength"/> octets).</summary>
    void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> aad);

    /// <summary>Verifies and decrypts; on a bad tag returns false and leaves <paramref name="plaintext"/> zeroed.</summary>
    bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> aad);
}
