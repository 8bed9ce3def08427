using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto;

namespace Concentrator.Benchmarks.Ike;

/// <summary>SKEYSEED + prf+ for the seven SK_* keys of a new IKE SA (RFC 7296 §2.14), and a CHILD SA KEYMAT.</summary>
[MemoryDiagnoser]
public class CryptoKeyDerivationBenchmarks
{
    private readonly byte[] _ni = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _nr = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _shared = RandomNumberGenerator.GetBytes(256);
    private IPrf _prf = null!;
    private IEncryption _encr = null!;
    private IIntegrity? _integ;

    [Params("SHA256/AES-GCM-16-256", "SHA512/AES-CBC-256+SHA512")]
    public string Suite { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        if (Suite.StartsWith("SHA256", StringComparison.Ordinal))
        {
            _prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
            _encr = TransformRegistry.Encryption(EncryptionId.AesGcm16, 256);
            _integ = null;
        }
        else
        {
            _prf = TransformRegistry.Prf(PrfId.HmacSha2_512);
            _encr = TransformRegistry.Encryption(EncryptionId.AesCbc, 256);
            _integ = TransformRegistry.Integrity(IntegrityId.HmacSha2_512_256);
        }
    }

    [Benchmark]
    public int IkeSaKeys()
    {
        using IkeKeymat keymat = IkeKeymat.Derive(_prf, _encr, _integ, _shared, _ni, _nr, 0x0102030405060708UL, 0x1112131415161718UL);
        return keymat.SkPr.Length;
    }

    [Benchmark]
    public int IkeSaKeysAndChildSa()
    {
        using IkeKeymat keymat = IkeKeymat.Derive(_prf, _encr, _integ, _shared, _ni, _nr, 0x0102030405060708UL, 0x1112131415161718UL);
        using ChildKeymat child = keymat.DeriveChild(36, 0, [], _ni, _nr);
        return child.ResponderEncryptionKey.Length;
    }
}
