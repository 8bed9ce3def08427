using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>AES-GCM with a 12- or 16-octet tag through the BCL (OpenSSL underneath).</summary>
internal sealed class BclAesGcmPrimitive(ReadOnlySpan<byte> key, int tagLength) : IAeadPrimitive
{
    private readonly AesGcm _aes = new(key, tagLength);

    public int TagLength { get; } = tagLength;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> aad) =>
        _aes.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagLength), aad);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        int length = ciphertextAndTag.Length - TagLength;
        try
        {
            _aes.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext[..length], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext[..length]);
            return false;
        }
    }

    public void Dispose() => _aes.Dispose();
}

/// <summary>ChaCha20-Poly1305 (RFC 8439) through the BCL; the tag is always 16 octets (RFC 7634 §2).</summary>
internal sealed class BclChaCha20Poly1305Primitive(ReadOnlySpan<byte> key) : IAeadPrimitive
{
    private readonly ChaCha20Poly1305 _cipher = new(key);

    public int TagLength => 16;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> aad) =>
        _cipher.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagLength), aad);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        int length = ciphertextAndTag.Length - TagLength;
        try
        {
            _cipher.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext[..length], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext[..length]);
            return false;
        }
    }

    public void Dispose() => _cipher.Dispose();
}
