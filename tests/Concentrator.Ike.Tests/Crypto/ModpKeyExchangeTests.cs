using System.Numerics;
using Concentrator.Ike.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;

namespace Concentrator.Ike.Tests.Crypto;

public class ModpKeyExchangeTests
{
    public static TheoryData<KeyExchangeId> Groups => new() { KeyExchangeId.Modp1024, KeyExchangeId.Modp2048, KeyExchangeId.Modp3072, KeyExchangeId.Modp4096 };

    private static ModpGroup Group(KeyExchangeId id) => (ModpGroup)TransformRegistry.KeyExchange(id);

    private static DHParameters RfcText(KeyExchangeId id) => id switch
    {
        KeyExchangeId.Modp1024 => DHStandardGroups.rfc2409_1024,
        KeyExchangeId.Modp2048 => DHStandardGroups.rfc3526_2048,
        KeyExchangeId.Modp3072 => DHStandardGroups.rfc3526_3072,
        _ => DHStandardGroups.rfc3526_4096,
    };

    [Theory]
    [MemberData(nameof(Groups))]
    public void Prime_MatchesRfc3526HexAndGeneratorIsTwo(KeyExchangeId id)
    {
        // BouncyCastle's DHStandardGroups carries the RFC 3526 (and RFC 2409 for 1024) hex as printed: an independent copy.
        DHParameters rfc = RfcText(id);
        ModpGroup group = Group(id);

        Assert.Equal(Convert.ToHexString(rfc.P.ToByteArrayUnsigned()), group.PrimeHex);
        Assert.Equal(ModpGroup.Generator, rfc.G.IntValue);
    }

    [Theory]
    [InlineData(KeyExchangeId.Modp1024, 129093)]
    [InlineData(KeyExchangeId.Modp2048, 124476)]
    [InlineData(KeyExchangeId.Modp3072, 1690314)]
    [InlineData(KeyExchangeId.Modp4096, 240904)]
    public void Prime_FollowsRfc3526PiFormula(KeyExchangeId id, int k)
    {
        // RFC 3526: p = 2^N - 2^(N-64) - 1 + 2^64 * ( [2^(N-130) pi] + k ).
        ModpGroup group = Group(id);
        int n = group.PrimeBytes.Length * 8;
        BigInteger piScaled = PiTimesPowerOfTwo(n - 130);
        BigInteger expected = BigInteger.Pow(2, n) - BigInteger.Pow(2, n - 64) - 1 + BigInteger.Pow(2, 64) * (piScaled + k);

        Assert.Equal(expected, group.Prime);
    }

    [Fact]
    public void Prime2048_HalfOfPMinusOne_PassesMillerRabin()
    {
        // RFC 3526: p is a safe prime, q = (p-1)/2 is prime. Two Miller-Rabin rounds with fixed bases.
        BigInteger p = ModpGroup.Modp2048.Prime;
        BigInteger q = (p - 1) / 2;
        BigInteger d = q - 1;
        int s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }
        foreach (int a in new[] { 2, 3 })
        {
            BigInteger x = BigInteger.ModPow(a, d, q);
            bool probablePrime = x.IsOne || x == q - 1;
            for (int r = 1; r < s && !probablePrime; r++)
            {
                x = BigInteger.ModPow(x, 2, q);
                probablePrime = x == q - 1;
            }
            Assert.True(probablePrime);
        }
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Agreement_BclAndBouncyCastleEngines_Interoperate(KeyExchangeId id)
    {
        ModpGroup group = Group(id);
        using var bcl = new ModpKeyExchange(group);
        using var bouncy = new ModpBouncyKeyExchange(group);

        byte[] a = bcl.DeriveSharedSecret(bouncy.PublicKey);
        byte[] b = bouncy.DeriveSharedSecret(bcl.PublicKey);

        Assert.Equal(a, b);
        Assert.Equal(group.PublicKeyLength, bcl.PublicKey.Length);
        Assert.Equal(group.SharedSecretLength, a.Length);
    }

    [Fact]
    public void Agreement_KnownExponents_MatchesBouncyCastleDhAgreement()
    {
        ModpGroup group = ModpGroup.Modp2048;
        byte[] x = Convert.FromHexString("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        byte[] y = Convert.FromHexString("fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
        using var ours = new ModpKeyExchange(group, x);
        using var theirs = new ModpKeyExchange(group, y);

        // Independent computation: BouncyCastle's DH basic agreement on the RFC 3526 group.
        var parameters = DHStandardGroups.rfc3526_2048;
        var agreement = new DHBasicAgreement();
        agreement.Init(new DHPrivateKeyParameters(new Org.BouncyCastle.Math.BigInteger(1, x), parameters));
        var peer = new DHPublicKeyParameters(new Org.BouncyCastle.Math.BigInteger(1, theirs.PublicKey.ToArray()), parameters);
        byte[] expected = agreement.CalculateAgreement(peer).ToByteArrayUnsigned();

        byte[] shared = ours.DeriveSharedSecret(theirs.PublicKey);
        Assert.Equal(expected, shared.AsSpan(shared.Length - expected.Length).ToArray());
    }

    [Fact]
    public void DeriveSharedSecret_OutOfRangeOrWrongLength_ThrowsInvalidSyntax()
    {
        ModpGroup group = ModpGroup.Modp2048;
        using IKeyExchange kex = group.Create();
        byte[] one = new byte[256];
        one[^1] = 1;
        byte[] pMinusOne = group.PrimeBytes.ToArray();
        pMinusOne[^1] -= 1;

        foreach (byte[] bad in new[] { new byte[256], one, pMinusOne, group.PrimeBytes, Enumerable.Repeat((byte)0xff, 256).ToArray(), new byte[255] })
        {
            var ex = Assert.Throws<IkeProtocolException>(() => kex.DeriveSharedSecret(bad));
            Assert.Equal(NotifyType.InvalidSyntax, ex.Notify);
        }
        byte[] two = new byte[256];
        two[^1] = 2;
        Assert.Equal(256, kex.DeriveSharedSecret(two).Length);
    }

    private static BigInteger PiTimesPowerOfTwo(int bits)
    {
        // Machin: pi = 16 atan(1/5) - 4 atan(1/239), in fixed point with 64 guard bits.
        BigInteger one = BigInteger.One << (bits + 64);
        BigInteger pi = 4 * (4 * ArctanInverse(5, one) - ArctanInverse(239, one));
        return pi >> 64;
    }

    private static BigInteger ArctanInverse(int x, BigInteger one)
    {
        BigInteger sum = one / x, term = sum, x2 = x * x;
        int n = 1, sign = -1;
        while (!term.IsZero)
        {
            term /= x2;
            n += 2;
            sum += sign * (term / n);
            sign = -sign;
        }
        return sum;
    }
}
