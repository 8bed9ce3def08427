using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto;
using BcX25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;
using BcX448 = Org.BouncyCastle.Math.EC.Rfc7748.X448;

namespace Concentrator.Benchmarks.Ike;

/// <summary>
/// X25519 / X448 engines (issue 13): one side of a key exchange, as <see cref="MontgomeryGroup.Create"/> and the
/// handshake do it: 32/56 octets from the CSPRNG, the public value (one base-point multiplication), the agreement
/// with the peer's public value (one more), dispose. The baseline is BouncyCastle's managed X25519/X448 (what the
/// registry used before; the same steps, written out here since src no longer uses it); the other row is
/// <see cref="MontgomeryOpenSslKeyExchange"/>, OpenSSL's libcrypto through P/Invoke (what strongSwan uses).
/// libsodium through NSec is measured for X25519 (NSec has no X448) in <see cref="CryptoX25519EngineBenchmarks"/>.
/// <code>dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter '*CryptoMontgomery*'</code>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
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
        int length = _group.Length;
        byte[] scalar = new byte[length];
        RandomNumberGenerator.Fill(scalar);
        byte[] ours = new byte[length];
        byte[] shared = new byte[length];
        bool nonZero;
        if (Group == KeyExchangeId.Curve25519)
        {
            BcX25519.ScalarMultBase(scalar, ours);
            nonZero = BcX25519.CalculateAgreement(scalar, _peerPublic, shared);
        }
        else
        {
            BcX448.ScalarMultBase(scalar, ours);
            nonZero = BcX448.CalculateAgreement(scalar, _peerPublic, shared);
        }
        CryptographicOperations.ZeroMemory(scalar);
        return nonZero ? shared.Length + ours.Length : 0;
    }

    [Benchmark]
    public int OpenSsl()
    {
        Span<byte> scalar = stackalloc byte[_group.Length];
        RandomNumberGenerator.Fill(scalar);
        using var kex = new MontgomeryOpenSslKeyExchange(_group, scalar);
        CryptographicOperations.ZeroMemory(scalar);
        return kex.DeriveSharedSecret(_peerPublic).Length + kex.PublicKey.Length;
    }
}
