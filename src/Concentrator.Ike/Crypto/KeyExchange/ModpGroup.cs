using System.Globalization;
using System.Numerics;

namespace Concentrator.Ike.Crypto;

/// <summary>The MODP groups of RFC 3526 and RFC 2409's second Oakley group (generator 2, safe prime p) and the private
/// exponent length used.</summary>
internal sealed class ModpGroup : IKeyExchangeMethod
{
    // RFC 2409 §6.2 (the "Second Oakley Group", IKEv2 group 2, RFC 7296 appendix B.2):
    // p = 2^1024 - 2^960 - 1 + 2^64 * ( [2^894 pi] + 129093 ). Windows' built-in IKEv2 client proposes it by default.
    private const string P1024 =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";
    // RFC 3526 §3: p = 2^2048 - 2^1984 - 1 + 2^64 * ( [2^1918 pi] + 124476 ).
    private const string P2048 =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
        "15728E5A8AACAA68FFFFFFFFFFFFFFFF";
    // RFC 3526 §4: p = 2^3072 - 2^3008 - 1 + 2^64 * ( [2^2942 pi] + 1690314 ).
    private const string P3072 =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
        "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
        "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
    // RFC 3526 §5: p = 2^4096 - 2^4032 - 1 + 2^64 * ( [2^3966 pi] + 240904 ).
    private const string P4096 =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
        "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
        "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D7" +
        "88719A10BDBA5B2699C327186AF4E23C1A946834B6150BDA2583E9CA2AD44CE8DBBBC2DB04DE8EF92E8EFC141FBECAA6" +
        "287C59474E6BC05D99B2964FA090C3A2233BA186515BE7ED1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA9" +
        "93B4EA988D8FDDC186FFB7DC90A6C08F4DF435C934063199FFFFFFFFFFFFFFFF";

    /// <summary>RFC 3526 §3: the generator of every MODP group here is 2.</summary>
    public const int Generator = 2;

    /// <summary>RFC 8247 §2.4: "SHOULD NOT" (about 80 bits of strength); known here so an operator with Windows
    /// clients can opt in (concentrator.ike.allow-modp1024). 256-bit exponent as strongSwan's.</summary>
    public static readonly ModpGroup Modp1024 = new(KeyExchangeId.Modp1024, P1024, 256);
    public static readonly ModpGroup Modp2048 = new(KeyExchangeId.Modp2048, P2048, 384);
    public static readonly ModpGroup Modp3072 = new(KeyExchangeId.Modp3072, P3072, 384);
    public static readonly ModpGroup Modp4096 = new(KeyExchangeId.Modp4096, P4096, 512);

    /// <summary>Which big-integer engine <see cref="Create"/> uses. Measured with CryptoKeyExchangeBenchmarks
    /// (keygen + agree, short job, 2 shared cores): BouncyCastle 6.6 / 15.4 / 36.0 ms against System.Numerics
    /// 8.6 / 18.6 / 36.9 ms for groups 14 / 15 / 16, so BouncyCastle's Montgomery ModPow is used.</summary>
    internal static bool UseBouncyCastle => true;

    private ModpGroup(KeyExchangeId id, string primeHex, int exponentBits)
    {
        Id = id;
        PrimeHex = primeHex;
        PrimeBytes = Convert.FromHexString(primeHex);
        Prime = new BigInteger(PrimeBytes, isUnsigned: true, isBigEndian: true);
        PrimeMinusOne = Prime - BigInteger.One;
        ExponentBits = exponentBits;
    }

    public KeyExchangeId Id { get; }

    public string PrimeHex { get; }

    public byte[] PrimeBytes { get; }

    public BigInteger Prime { get; }

    public BigInteger PrimeMinusOne { get; }

    /// <summary>Length of the random private exponent. RFC 3526 §8 allows exponents much shorter than p; these
    /// are strongSwan's lengths (twice the group's strength and more: 2048/3072 → 384 bits, 4096 → 512 bits),
    /// which keep the cost of g^x linear in a short exponent instead of in the modulus length.</summary>
    public int ExponentBits { get; }

    public int PublicKeyLength => PrimeBytes.Length;

    public int SharedSecretLength => PrimeBytes.Length;

    public IKeyExchange Create() => UseBouncyCastle ? new ModpBouncyKeyExchange(this) : new ModpKeyExchange(this);

    /// <summary>RFC 6989 §2.1 for safe-prime groups: 1 &lt; y &lt; p-1 is the whole check.</summary>
    public void Validate(ReadOnlySpan<byte> peer)
    {
        KeyExchange.RequireLength(Id, PublicKeyLength, peer);
        var y = new BigInteger(peer, isUnsigned: true, isBigEndian: true);
        if (y <= BigInteger.One || y >= PrimeMinusOne)
            CryptoThrow.InvalidKeyExchange($"{Id} public value is outside 1 < y < p-1 (RFC 6989 §2.1)");
    }

    public override string ToString() => Id.ToString() + " (" + (PrimeBytes.Length * 8).ToString(CultureInfo.InvariantCulture) + " bits)";
}
