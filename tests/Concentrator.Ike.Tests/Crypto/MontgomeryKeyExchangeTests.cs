using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

/// <summary>RFC 7748 vectors and RFC 8031 rules on the X25519/X448 engine (OpenSSL's libcrypto), and agreement with
/// BouncyCastle's independent implementation as a reference.</summary>
public class MontgomeryKeyExchangeTests
{
    public static IEnumerable<object[]> FunctionVectors =>
        from x in VectorFile.Read("rfc7748.txt").Select((b, i) => (b, i))
        where x.b.Name.EndsWith("-fn", StringComparison.Ordinal)
        select new object[] { x.b.Name, x.i };

    private static MontgomeryGroup Group(string name) =>
        name.StartsWith("X25519", StringComparison.Ordinal) ? MontgomeryGroup.Curve25519 : MontgomeryGroup.Curve448;

    private static IKeyExchange Create(MontgomeryGroup group, ReadOnlySpan<byte> scalar) =>
        new MontgomeryOpenSslKeyExchange(group, scalar);

    [Theory]
    [MemberData(nameof(FunctionVectors))]
    public void DeriveSharedSecret_Rfc7748FunctionVector_Matches(string name, int index)
    {
        VectorFile.Block v = VectorFile.Read("rfc7748.txt")[index];
        using IKeyExchange kex = Create(Group(name), v.Hex("scalar"));

        byte[] output = kex.DeriveSharedSecret(v.Hex("u"));

        Assert.Equal(Convert.ToHexStringLower(v.Hex("out")), Convert.ToHexStringLower(output));
    }

    [Theory]
    [InlineData("X25519-dh")]
    [InlineData("X448-dh")]
    public void Agreement_Rfc7748DiffieHellman_GivesPublicKeysAndK(string name)
    {
        // RFC 7748 §6.1 (X25519) and §6.2 (X448).
        VectorFile.Block v = VectorFile.Read("rfc7748.txt").First(b => b.Name == name);
        using IKeyExchange alice = Create(Group(name), v.Hex("alice"));
        using IKeyExchange bob = Create(Group(name), v.Hex("bob"));

        Assert.Equal(v.Hex("alicePublic"), alice.PublicKey.ToArray());
        Assert.Equal(v.Hex("bobPublic"), bob.PublicKey.ToArray());
        Assert.Equal(v.Hex("K"), alice.DeriveSharedSecret(bob.PublicKey));
        Assert.Equal(v.Hex("K"), bob.DeriveSharedSecret(alice.PublicKey));
    }

    [Theory]
    [InlineData(KeyExchangeId.Curve25519)]
    [InlineData(KeyExchangeId.Curve448)]
    public void DeriveSharedSecret_LowOrderPoint_ThrowsBecauseSecretIsAllZero(KeyExchangeId id)
    {
        // RFC 8031 §2.3 has no vectors; u = 0 (order 1) and u = 1 (order 4 on the twist side of the ladder) both
        // drive the ladder to an all-zero output, which MUST abort the exchange. For X25519 also the order-8 point
        // of RFC 7748's curve (u = 325606250916557431795983626356110631294008115727848805560023387167927233504).
        using IKeyExchange kex = KeyExchange.Create((ushort)id);
        int length = kex.PublicKey.Length;
        var lowOrder = new List<byte[]> { new byte[length], One(length) };
        if (id == KeyExchangeId.Curve25519)
            lowOrder.Add(Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"));

        foreach (byte[] point in lowOrder)
        {
            var ex = Assert.Throws<IkeProtocolException>(() => kex.DeriveSharedSecret(point));
            Assert.Equal(NotifyType.InvalidSyntax, ex.Notify);
        }

        // The key pair stays usable after a rejected peer (OpenSSL's error queue is cleared).
        using IKeyExchange other = KeyExchange.Create((ushort)id);
        Assert.Equal(kex.DeriveSharedSecret(other.PublicKey), other.DeriveSharedSecret(kex.PublicKey));
    }

    [Theory]
    [InlineData(KeyExchangeId.Curve25519)]
    [InlineData(KeyExchangeId.Curve448)]
    public void Agreement_TwoFreshKeys_AgreeAndRejectWrongLength(KeyExchangeId id)
    {
        using IKeyExchange a = KeyExchange.Create((ushort)id);
        using IKeyExchange b = KeyExchange.Create((ushort)id);

        Assert.Equal(a.DeriveSharedSecret(b.PublicKey), b.DeriveSharedSecret(a.PublicKey));
        Assert.Throws<IkeProtocolException>(() => a.DeriveSharedSecret(b.PublicKey[1..]));
        Assert.Throws<IkeProtocolException>(() => a.DeriveSharedSecret([.. b.PublicKey, 0]));
    }

    [Theory]
    [InlineData(KeyExchangeId.Curve25519)]
    [InlineData(KeyExchangeId.Curve448)]
    public void Agreement_AgainstBouncyCastle_SameSecret(KeyExchangeId id)
    {
        using IKeyExchange ours = KeyExchange.Create((ushort)id);
        int length = ours.PublicKey.Length;
        byte[] scalar = System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
        byte[] theirPublic = new byte[length];
        byte[] theirShared = new byte[length];
        if (id == KeyExchangeId.Curve25519)
        {
            Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(scalar, theirPublic);
            Org.BouncyCastle.Math.EC.Rfc7748.X25519.CalculateAgreement(scalar, ours.PublicKey, theirShared);
        }
        else
        {
            Org.BouncyCastle.Math.EC.Rfc7748.X448.ScalarMultBase(scalar, theirPublic);
            Org.BouncyCastle.Math.EC.Rfc7748.X448.CalculateAgreement(scalar, ours.PublicKey, theirShared);
        }

        Assert.Equal(theirShared, ours.DeriveSharedSecret(theirPublic));
    }

    private static byte[] One(int length)
    {
        var one = new byte[length];
        one[0] = 1;
        return one;
    }
}
