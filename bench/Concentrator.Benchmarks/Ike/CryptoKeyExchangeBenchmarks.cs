using BenchmarkDotNet.Attributes;
using Concentrator.Ike.Crypto;

namespace Concentrator.Benchmarks.Ike;

/// <summary>
/// One side of a key exchange: generate an ephemeral key pair and agree with the peer's public value. MODP and
/// ECP run on both engines (BCL = System.Numerics / OpenSSL ECDH, BC = BouncyCastle); X25519/X448 run on the
/// registry's engine here (<see cref="CryptoMontgomeryBenchmarks"/> compares the engines). The ratio between the two
/// rows of a group decides <see cref="ModpGroup.UseBouncyCastle"/> and <see cref="EcpGroup.UseBouncyCastle"/>.
/// </summary>
[MemoryDiagnoser]
public class CryptoKeyExchangeBenchmarks
{
    private Func<IKeyExchange> _create = null!;
    private byte[] _peerPublic = null!;

    public static IEnumerable<string> Cases =>
    [
        "14-MODP2048/BCL", "14-MODP2048/BC",
        "15-MODP3072/BCL", "15-MODP3072/BC",
        "16-MODP4096/BCL", "16-MODP4096/BC",
        "19-ECP256/BCL", "19-ECP256/BC",
        "20-ECP384/BCL", "20-ECP384/BC",
        "21-ECP521/BCL", "21-ECP521/BC",
        "31-Curve25519",
        "32-Curve448",
    ];

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var id = (KeyExchangeId)ushort.Parse(Case[..2], System.Globalization.CultureInfo.InvariantCulture);
        bool bouncy = Case.EndsWith("/BC", StringComparison.Ordinal);
        IKeyExchangeMethod method = TransformRegistry.KeyExchange(id);
        _create = method switch
        {
            ModpGroup modp when bouncy => () => new ModpBouncyKeyExchange(modp),
            ModpGroup modp => () => new ModpKeyExchange(modp),
            EcpGroup ecp when bouncy => () => new EcpBouncyKeyExchange(ecp),
            EcpGroup ecp => () => new EcpKeyExchange(ecp),
            _ => method.Create,
        };
        using IKeyExchange peer = method.Create();
        _peerPublic = peer.PublicKey.ToArray();
    }

    [Benchmark]
    public int KeygenAndAgree()
    {
        using IKeyExchange kex = _create();
        return kex.DeriveSharedSecret(_peerPublic).Length + kex.PublicKey.Length;
    }
}
