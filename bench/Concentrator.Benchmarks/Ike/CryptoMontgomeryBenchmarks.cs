using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto;

namespace Concentrator.Benchmarks.Ike;

/// <summary>
/// X25519 / X448 engines (issue 13): one side of a key exchange, as <see cref="MontgomeryGroup.Create"/> and the
/// handshake do it: 32/56 octets from the CSPRNG, the key pair (one base-point multiplication), the agreement with
/// the peer's public value (one more), dispose. BouncyCastle (managed) is the baseline; OpenSSL's libcrypto through
/// P/Invoke is what strongSwan uses. libsodium through NSec is not measured: NSec is not served by the package
/// registry this project builds from. The ratio column decides <see cref="MontgomeryGroup.UseOpenSsl"/>.
/// <code>dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter '*CryptoMontgomery*'</code>
/// </summary>
[MemoryDiagnoser]
public class CryptoMontgomeryBenchmarks
{
    private MontgomeryGroup _group = null!;
    private byte[] _peerPublic = null!;

    [Params(KeyExchangeId.Curve25519, KeyExchangeId.Curve448)]
    public KeyExchangeId Group { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _group = (MontgomeryGroup)TransformRegistry.KeyExchange(Group);
        using IKeyExchange peer = _group.Create();
        _peerPublic = peer.PublicKey.ToArray();
    }

    [Benchmark(Baseline = true)]
    public int BouncyCastle()
    {
        Span<byte> scalar = stackalloc byte[_group.Length];
        System.Security.Cryptography.RandomNumberGenerator.Fill(scalar);
        using var kex = new MontgomeryBouncyKeyExchange(_group, scalar);
        return kex.DeriveSharedSecret(_peerPublic).Length + kex.PublicKey.Length;
    }

    [Benchmark]
    public int OpenSsl()
    {
        Span<byte> scalar = stackalloc byte[_group.Length];
        System.Security.Cryptography.RandomNumberGenerator.Fill(scalar);
        using var kex = new MontgomeryOpenSslKeyExchange(_group, scalar);
        return kex.DeriveSharedSecret(_peerPublic).Length + kex.PublicKey.Length;
    }
}
