using System.Numerics;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>The NIST prime curves as IKEv2 groups 19/20/21 (RFC 5903). The curve constants used for validating
/// peer points are read from the platform's (OpenSSL's) explicit curve parameters, not retyped here.</summary>
internal sealed class EcpGroup : IKeyExchangeMethod
{
    public static readonly EcpGroup Ecp256 = new(KeyExchangeId.Ecp256, ECCurve.NamedCurves.nistP256, "P-256", 32);
    public static readonly EcpGroup Ecp384 = new(KeyExchangeId.Ecp384, ECCurve.NamedCurves.nistP384, "P-384", 48);
    public static readonly EcpGroup Ecp521 = new(KeyExchangeId.Ecp521, ECCurve.NamedCurves.nistP521, "P-521", 66);

    private readonly Lazy<(BigInteger P, BigInteger A, BigInteger B)> _explicit;

    private EcpGroup(KeyExchangeId id, ECCurve curve, string name, int coordinateLength)
    {
        Id = id;
        Curve = curve;
        Name = name;
        CoordinateLength = coordinateLength;
        _explicit = new Lazy<(BigInteger, BigInteger, BigInteger)>(() =>
        {
            using var ecdh = ECDiffieHellman.Create(curve);
            ECParameters p = ecdh.ExportExplicitParameters(false);
            return (ToInteger(p.Curve.Prime!), ToInteger(p.Curve.A!), ToInteger(p.Curve.B!));
        });
    }

    public KeyExchangeId Id { get; }

    public ECCurve Curve { get; }

    /// <summary>The SEC/NIST name, also BouncyCastle's lookup key.</summary>
    public string Name { get; }

    /// <summary>Octets of one coordinate (RFC 5903 §7: 32, 48, 66).</summary>
    public int CoordinateLength { get; }

    /// <summary>RFC 5903 §7: KE data is x ‖ y, each padded to the coordinate length.</summary>
    public int PublicKeyLength => 2 * CoordinateLength;

    /// <summary>RFC 5903 §7: the shared secret is the x coordinate only.</summary>
    public int SharedSecretLength => CoordinateLength;

    /// <summary>Which engine <see cref="Create"/> uses. Measured with CryptoKeyExchangeBenchmarks (keygen + agree):
    /// BCL/OpenSSL 0.53 / 9.7 / 2.3 ms against BouncyCastle 3.9 / 8.1 / 7.4 ms for groups 19 / 20 / 21, and
    /// BouncyCastle allocates ~5-8 MB per exchange against ~3 KB. The BCL stays the engine for all three; P-384
    /// is within noise and OpenSSL's generic P-384 code also re-validates the imported peer point.</summary>
    internal static bool UseBouncyCastle => false;

    public IKeyExchange Create() => UseBouncyCastle ? new EcpBouncyKeyExchange(this) : new EcpKeyExchange(this);

    /// <summary>RFC 6989 §2.3 (and SP 800-56A full public-key validation): both coordinates in [0, p-1] and the
    /// point on the curve. x ‖ y cannot encode the point at infinity other than as a pair that fails the
    /// curve equation, because b ≠ 0 for these curves.</summary>
    public void Validate(ReadOnlySpan<byte> peer)
    {
        KeyExchange.RequireLength(Id, PublicKeyLength, peer);
        (BigInteger p, BigInteger a, BigInteger b) = _explicit.Value;
        var x = new BigInteger(peer[..CoordinateLength], isUnsigned: true, isBigEndian: true);
        var y = new BigInteger(peer[CoordinateLength..], isUnsigned: true, isBigEndian: true);
        if (x >= p || y >= p)
            CryptoThrow.InvalidKeyExchange($"{Id} public point has a coordinate outside [0, p-1]");
        BigInteger left = y * y % p;
        BigInteger right = ((x * x % p) * x + a * x + b) % p;
        if (left != right)
            CryptoThrow.InvalidKeyExchange($"{Id} public point is not on the curve (RFC 6989 §2.3)");
    }

    private static BigInteger ToInteger(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    public override string ToString() => Id + " (" + Name + ")";
}
