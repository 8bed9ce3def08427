using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>AES-GCM with a 12- or 16-octet tag through the BCL (OpenSSL underneath). The OpenSSL context is made
/// for each message and freed after it rather than kept: an IKE SA protects a few messages at set-up and then one
/// now and then (DPD, rekeys), while a kept context costs ≈1 KiB of native memory per direction per SA, and a node
/// holds a hundred thousand SAs. Only the key is kept (zeroed on dispose).</summary>
internal sealed class BclAesGcmPrimitive(ReadOnlySpan<byte> key, int tagLength) : IAeadPrimitive
{
    private readonly byte[] _key = key.ToArray();

    public int TagLength { get; } = tagLength;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> aad)
    {
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagLength), aad);
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        int length = ciphertextAndTag.Length - TagLength;
        using var aes = new AesGcm(_key, TagLength);
        try
        {
            aes.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext[..length], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext[..length]);
            return false;
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}

/// <summary>ChaCha20-Poly1305 (RFC 8439) through the BCL; the tag is always 16 octets (RFC 7634 §2). Like
/// <see cref="BclAesGcmPrimitive"/>, the OpenSSL context lives for one message; only the key is kept.</summary>
internal sealed class BclChaCha20Poly1305Primitive(ReadOnlySpan<byte> key) : IAeadPrimitive
{
    private readonly byte[] _key = key.ToArray();

    public int TagLength => 16;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> aad)
    {
        using var cipher = new ChaCha20Poly1305(_key);
        cipher.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagLength), aad);
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        int length = ciphertextAndTag.Length - TagLength;
        using var cipher = new ChaCha20Poly1305(_key);
        try
        {
            cipher.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext[..length], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext[..length]);
            return false;
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
