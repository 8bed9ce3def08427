using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class MontgomeryKeyExchangeTests
{
    public static IEnumerable<object[]> FunctionVectors =>
        VectorFile.Read("rfc7748.txt").Select((b, i) => (b, i)).Where(x => x.b.Name.EndsWith("-fn", StringComparison.Ordinal))
            .Select(x => new object[] { x.b.Name, x.i });

    private static MontgomeryGroup Group(string name) =>
        name.StartsWith("X25519", StringComparison.Ordinal) ? MontgomeryGroup.Curve25519 : MontgomeryGroup.Curve448;

    [Theory]
    [MemberData(nameof(FunctionVectors))]
    public void DeriveSharedSecret_Rfc7748FunctionVector_Matches(string name, int index)
    {
        VectorFile.Block v = VectorFile.Read("rfc7748.txt")[index];
        using var kex = new MontgomeryKeyExchange(Group(name), v.Hex("scalar"));

        byte[] output = kex.DeriveSharedSecret(v.Hex("u"));

        Assert.Equal(Convert.ToHexStringLower(v.Hex("out")), Convert.ToHexStringLower(output));
    }

    [Theory]
    [InlineData("X25519-dh")]
    [InlineData("X448-dh")]
    public void Agreement_Rfc7748DiffieHellman_GivesPublicKeysAndK(string name)
    {
        VectorFile.Block v = VectorFile.Read("rfc7748.txt").First(b => b.Name == name);
        using var alice = new MontgomeryKeyExchange(Group(name), v.Hex("alice"));
        using var bob = new MontgomeryKeyExchange(Group(name), v.Hex("bob"));

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
        // drive the ladder to an all-zero output, which MUST abort the exchange.
        IKeyExchangeMethod method = TransformRegistry.KeyExchange(id);
        using IKeyExchange kex = method.Create();
        byte[] zero = new byte[method.PublicKeyLength];
        byte[] one = new byte[method.PublicKeyLength];
        one[0] = 1;

        foreach (byte[] lowOrder in new[] { zero, one })
        {
            var ex = Assert.Throws<IkeProtocolException>(() => kex.DeriveSharedSecret(lowOrder));
            Assert.Equal(NotifyType.InvalidSyntax, ex.Notify);
        }
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
    }
}
