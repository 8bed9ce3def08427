using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Concentrator.Ike.Crypto;

/// <summary>AES-GCM with an 8-octet ICV (transform 18). The BCL's <see cref="AesGcm"/> only accepts 12..16-octet
/// tags, so this one case goes through BouncyCastle.</summary>
internal sealed class BouncyAesGcmPrimitive : IAeadPrimitive
{
    private readonly byte[] _key;
    private readonly GcmBlockCipher _gcm = new(AesUtilities.CreateEngine());

    public BouncyAesGcmPrimitive(ReadOnlySpan<byte> key, int tagLength)
    {
        _key = key.ToArray();
        TagLength = tagLength;
    }

    public int TagLength { get; }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> aad)
    {
        Init(true, nonce, aad);
        int written = _gcm.ProcessBytes(plaintext, ciphertextAndTag);
        _gcm.DoFinal(ciphertextAndTag[written..]);
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        int length = ciphertextAndTag.Length - TagLength;
        Init(false, nonce, aad);
        try
        {
            int written = _gcm.ProcessBytes(ciphertextAndTag, plaintext);
            _gcm.DoFinal(plaintext[written..length]);
            return true;
        }
        catch (InvalidCipherTextException)
        {
            CryptographicOperations.ZeroMemory(plaintext[..length]);
            return false;
        }
    }

    private void Init(bool encrypt, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad) =>
        _gcm.Init(encrypt, new AeadParameters(new KeyParameter(_key), TagLength * 8, nonce.ToArray(), aad.ToArray()));

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
