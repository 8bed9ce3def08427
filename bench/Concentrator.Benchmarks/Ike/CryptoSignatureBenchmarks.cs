using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto.Signature;

namespace Concentrator.Benchmarks.Ike;

/// <summary>The keys of the signature benchmarks: one of each kind a certificate carries, and the octets an AUTH
/// payload signs (RFC 7296 §2.15: an IKE_SA_INIT message, a nonce and a PRF output, ~600 octets).</summary>
public abstract class CryptoSignatureBase
{
    protected static readonly byte[] Octets = RandomNumberGenerator.GetBytes(600);

    protected RSA Rsa2048 { get; } = RSA.Create(2048);

    protected RSA Rsa4096 { get; } = RSA.Create(4096);

    protected ECDsa P256 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    protected ECDsa P384 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    protected byte[] EdSeed { get; } = RandomNumberGenerator.GetBytes(32);

}

/// <summary>
/// Signing an AUTH payload's octets per algorithm (what the gateway does once per IKE_AUTH), each row as a ratio of
/// ECDSA P-256 measured in the same run. RSA and ECDSA run in the BCL (OpenSSL); Ed25519 has no BCL API, so it runs
/// in BouncyCastle and in OpenSSL through libcrypto: the ratio of those two rows decides
/// <see cref="Ed25519Signature.UseOpenSsl"/>.
/// </summary>
[MemoryDiagnoser]
public class CryptoSignatureSignBenchmarks : CryptoSignatureBase
{
    private Concentrator.Ike.Crypto.LibCrypto.SafeEvpPKey _ed = null!;

    [GlobalSetup]
    public void Setup() => _ed = Ed25519OpenSsl.PrivateKey(EdSeed);

    [Benchmark(Baseline = true)]
    public byte[] EcdsaP256() => P256.SignData(Octets, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public byte[] EcdsaP384() => P384.SignData(Octets, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public byte[] Rsa2048Pkcs1() => Rsa2048.SignData(Octets, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark]
    public byte[] Rsa2048Pss() => Rsa2048.SignData(Octets, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    [Benchmark]
    public byte[] Rsa4096Pkcs1() => Rsa4096.SignData(Octets, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark]
    public byte[] Ed25519BouncyCastle() => Ed25519Signature.SignBouncyCastle(EdSeed, Octets);

    [Benchmark]
    public byte[] Ed25519OpenSslLibCrypto() => Ed25519OpenSsl.Sign(_ed, Octets);
}

/// <summary>Verifying a peer's AUTH signature per algorithm (once per IKE_AUTH, plus the certificate chain's
/// signatures), as a ratio of ECDSA P-256 in the same run; Ed25519 in BouncyCastle and in OpenSSL.</summary>
[MemoryDiagnoser]
public class CryptoSignatureVerifyBenchmarks : CryptoSignatureBase
{
    private byte[] _p256 = null!, _p384 = null!, _rsa2048 = null!, _rsa2048Pss = null!, _rsa4096 = null!, _ed = null!, _edPublic = null!;

    [GlobalSetup]
    public void Setup()
    {
        _p256 = P256.SignData(Octets, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        _p384 = P384.SignData(Octets, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);
        _rsa2048 = Rsa2048.SignData(Octets, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _rsa2048Pss = Rsa2048.SignData(Octets, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        _rsa4096 = Rsa4096.SignData(Octets, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _ed = Ed25519Signature.SignBouncyCastle(EdSeed, Octets);
        _edPublic = Ed25519Signature.PublicKey(EdSeed);
    }

    [Benchmark(Baseline = true)]
    public bool EcdsaP256() => P256.VerifyData(Octets, _p256, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public bool EcdsaP384() => P384.VerifyData(Octets, _p384, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public bool Rsa2048Pkcs1() => Rsa2048.VerifyData(Octets, _rsa2048, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark]
    public bool Rsa2048Pss() => Rsa2048.VerifyData(Octets, _rsa2048Pss, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    [Benchmark]
    public bool Rsa4096Pkcs1() => Rsa4096.VerifyData(Octets, _rsa4096, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark]
    public bool Ed25519BouncyCastle() => Ed25519Signature.VerifyBouncyCastle(_edPublic, Octets, _ed);

    [Benchmark]
    public bool Ed25519OpenSslLibCrypto() => Ed25519OpenSsl.Verify(_edPublic, Octets, _ed);
}
