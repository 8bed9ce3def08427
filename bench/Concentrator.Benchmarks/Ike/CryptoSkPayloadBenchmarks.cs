using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto;

namespace Concentrator.Benchmarks.Ike;

/// <summary>Sealing and opening one ~400-octet SK payload body (a typical IKE_AUTH inner payload set) per suite.</summary>
[MemoryDiagnoser]
public class CryptoSkPayloadBenchmarks
{
    private ISkCipher _sender = null!;
    private ISkCipher _receiver = null!;
    private byte[] _aad = null!;
    private byte[] _plaintext = null!;
    private byte[] _sealed = null!;
    private byte[] _opened = null!;

    [Params("AES-GCM-16-256", "ChaCha20-Poly1305", "AES-CBC-256+HMAC-SHA256-128")]
    public string Suite { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (IEncryption encr, IIntegrity? integ) = Suite switch
        {
            "AES-GCM-16-256" => (TransformRegistry.Encryption(EncryptionId.AesGcm16, 256), (IIntegrity?)null),
            "ChaCha20-Poly1305" => (TransformRegistry.Encryption(EncryptionId.ChaCha20Poly1305, 256), null),
            _ => (TransformRegistry.Encryption(EncryptionId.AesCbc, 256), TransformRegistry.Integrity(IntegrityId.HmacSha2_256_128)),
        };
        byte[] key = RandomNumberGenerator.GetBytes(encr.KeyLength);
        byte[] integKey = integ is null ? [] : RandomNumberGenerator.GetBytes(integ.KeyLength);
        _sender = encr.CreateSkCipher(key, integ, integKey);
        _receiver = encr.CreateSkCipher(key, integ, integKey);
        _aad = RandomNumberGenerator.GetBytes(32);
        _plaintext = RandomNumberGenerator.GetBytes(400);
        _sealed = new byte[_sender.SealedLength(_plaintext.Length)];
        _opened = new byte[_sealed.Length];
        _sender.Seal(_aad, _plaintext, _sealed);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public int Seal() => _sender.Seal(_aad, _plaintext, _sealed.AsSpan());

    [Benchmark]
    public int Open() => _receiver.Open(_aad, _sealed, _opened);
}
