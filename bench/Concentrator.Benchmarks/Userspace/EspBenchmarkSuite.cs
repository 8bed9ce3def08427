using System.Net;
using System.Security.Cryptography;
using Concentrator.Kernel;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Benchmarks.Userspace;

/// <summary>The ciphers the userspace dataplane carries, as benchmark parameters.</summary>
public enum EspCipher
{
    AesGcm128,
    AesGcm256,
    ChaCha20Poly1305,
    AesCbc128HmacSha256,
}

/// <summary>Shared set-up: an SA per cipher, and the bare BCL primitive keyed the same way (the baseline).</summary>
internal sealed class EspBenchmarkSuite : IDisposable
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.2");

    public EspBenchmarkSuite(EspCipher cipher, uint replayWindow, bool esn)
    {
        Cipher = cipher;
        var key = new byte[36];
        RandomNumberGenerator.Fill(key);
        var request = new SaRequest(A, B, 0xC000_0001, 1) { ReplayWindow = replayWindow, Esn = esn };
        switch (cipher)
        {
            case EspCipher.AesGcm128:
                request = request with { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key.AsMemory(0, 20), 128) };
                Gcm = new AesGcm(key.AsSpan(0, 16), 16);
                break;
            case EspCipher.AesGcm256:
                request = request with { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128) };
                Gcm = new AesGcm(key.AsSpan(0, 32), 16);
                break;
            case EspCipher.ChaCha20Poly1305:
                request = request with { Aead = new AeadAlgorithm(AeadAlgorithm.ChaCha20Poly1305, key, 128) };
                ChaCha = new ChaCha20Poly1305(key.AsSpan(0, 32));
                break;
            default:
                request = request with
                {
                    Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, key.AsMemory(0, 16)),
                    Integrity = new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha256, key.AsMemory(0, 32), 128),
                };
                Aes = System.Security.Cryptography.Aes.Create();
                Aes.Key = key.AsSpan(0, 16).ToArray();
                Hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.AsSpan(0, 32));
                break;
        }

        Request = request;
        Sa = new EspSa(request, EspTransform.Create(request), 0);
    }

    public EspCipher Cipher { get; }

    /// <summary>The request <see cref="Sa"/> was made from (the SA keeps only what the dataplane reads).</summary>
    public SaRequest Request { get; }

    public EspSa Sa { get; }

    public AesGcm? Gcm { get; }

    public ChaCha20Poly1305? ChaCha { get; }

    public Aes? Aes { get; }

    public IncrementalHash? Hmac { get; }

    /// <summary>
    /// The bare primitive over the same buffer and length ESP encrypts (payload + trailer, 12-byte nonce,
    /// 8-byte AAD, 16-byte tag; for CBC: encrypt then HMAC over header, IV and ciphertext).
    /// </summary>
    public void BareSeal(Span<byte> buffer, int bodyLength)
    {
        Span<byte> nonce = stackalloc byte[12];
        var aad = buffer[..8];
        var body = buffer.Slice(16, bodyLength);
        var tag = buffer.Slice(16 + bodyLength, 16);
        if (Gcm is not null)
        {
            Gcm.Encrypt(nonce, body, body, tag, aad);
        }
        else if (ChaCha is not null)
        {
            ChaCha.Encrypt(nonce, body, body, tag, aad);
        }
        else
        {
            var iv = buffer.Slice(8, 16);
            var cbcBody = buffer.Slice(24, bodyLength);
            Aes!.EncryptCbc(cbcBody, iv, cbcBody, PaddingMode.None);
            Span<byte> mac = stackalloc byte[32];
            Hmac!.AppendData(buffer[..(24 + bodyLength)]);
            Hmac.GetHashAndReset(mac);
        }
    }

    /// <summary>The bare primitive's decryption of what <see cref="BareSeal"/> produced.</summary>
    public bool BareOpen(Span<byte> buffer, int bodyLength)
    {
        Span<byte> nonce = stackalloc byte[12];
        var aad = buffer[..8];
        var body = buffer.Slice(16, bodyLength);
        var tag = buffer.Slice(16 + bodyLength, 16);
        if (Gcm is not null)
        {
            Gcm.Decrypt(nonce, body, tag, body, aad);
        }
        else if (ChaCha is not null)
        {
            ChaCha.Decrypt(nonce, body, tag, body, aad);
        }
        else
        {
            Span<byte> mac = stackalloc byte[32];
            Hmac!.AppendData(buffer[..(24 + bodyLength)]);
            Hmac.GetHashAndReset(mac);
            var iv = buffer.Slice(8, 16);
            var cbcBody = buffer.Slice(24, bodyLength);
            Aes!.DecryptCbc(cbcBody, iv, cbcBody, PaddingMode.None);
        }

        return true;
    }

    public void Dispose()
    {
        Sa.Dispose();
        Gcm?.Dispose();
        ChaCha?.Dispose();
        Aes?.Dispose();
        Hmac?.Dispose();
    }
}
