using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto;
using NSec.Cryptography;
using BcX25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace Concentrator.Benchmarks.Ike;

/// <summary>
/// X25519 engines on this machine (issue 13), one side of a key exchange as the handshake does it: a fresh
/// private value, its public value (one base-point multiplication), the agreement with the peer's public value
/// (one more), the shared secret as octets, dispose. Baseline: BouncyCastle's managed X25519 (the engine before
/// OpenSSL); <see cref="OpenSsl"/> is the product's <see cref="MontgomeryOpenSslKeyExchange"/> (libcrypto's
/// EVP_PKEY_derive, as strongSwan's openssl plugin); <see cref="NSecLibsodium"/> is libsodium's
/// crypto_scalarmult through NSec (NSec.Cryptography, libsodium bundled). .NET's ECDiffieHellman has no X25519
/// (its curves are Weierstrass curves only), so the BCL is not a fourth engine.
/// <code>dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter '*CryptoX25519Engine*'</code>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CryptoX25519EngineBenchmarks
{
    private static readonly KeyAgreementAlgorithm Sodium = KeyAgreementAlgorithm.X25519;
    private MontgomeryGroup _group = null!;
    private byte[] _peerPublic = null!;

    [GlobalSetup]
    public void Setup()
    {
        _group = (MontgomeryGroup)TransformRegistry.KeyExchange(KeyExchangeId.Curve25519);
        using IKeyExchange peer = _group.Create();
        _peerPublic = peer.PublicKey.ToArray();
        // the three engines agree on one exchange before anything is timed
        byte[] scalar = RandomNumberGenerator.GetBytes(32);
        byte[] bc = new byte[32];
        BcX25519.CalculateAgreement(scalar, _peerPublic, bc);
        using var ossl = new MontgomeryOpenSslKeyExchange(_group, scalar);
        using Key key = Key.Import(Sodium, scalar, KeyBlobFormat.RawPrivateKey);
        using SharedSecret s = Sodium.Agree(key, NSec.Cryptography.PublicKey.Import(Sodium, _peerPublic, KeyBlobFormat.RawPublicKey), new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport })
            ?? throw new InvalidOperationException("libsodium refused the agreement");
        if (!bc.AsSpan().SequenceEqual(ossl.DeriveSharedSecret(_peerPublic)) || !bc.AsSpan().SequenceEqual(s.Export(SharedSecretBlobFormat.RawSharedSecret)))
            throw new InvalidOperationException("the X25519 engines disagree");
    }

    [Benchmark(Baseline = true)]
    public int BouncyCastle()
    {
        byte[] scalar = new byte[32];
        RandomNumberGenerator.Fill(scalar);
        byte[] ours = new byte[32];
        byte[] shared = new byte[32];
        BcX25519.ScalarMultBase(scalar, ours);
        bool nonZero = BcX25519.CalculateAgreement(scalar, _peerPublic, shared);
        CryptographicOperations.ZeroMemory(scalar);
        return nonZero ? shared.Length + ours.Length : 0;
    }

    [Benchmark]
    public int OpenSsl()
    {
        Span<byte> scalar = stackalloc byte[32];
        RandomNumberGenerator.Fill(scalar);
        using var kex = new MontgomeryOpenSslKeyExchange(_group, scalar);
        CryptographicOperations.ZeroMemory(scalar);
        return kex.DeriveSharedSecret(_peerPublic).Length + kex.PublicKey.Length;
    }

    [Benchmark]
    public int NSecLibsodium()
    {
        using Key key = Key.Create(Sodium);
        byte[] ours = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var peer = NSec.Cryptography.PublicKey.Import(Sodium, _peerPublic, KeyBlobFormat.RawPublicKey);
        using SharedSecret? s = Sodium.Agree(key, peer, new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return s is null ? 0 : s.Export(SharedSecretBlobFormat.RawSharedSecret).Length + ours.Length;
    }
}
