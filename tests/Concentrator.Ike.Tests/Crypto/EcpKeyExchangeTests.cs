using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class EcpKeyExchangeTests
{
    public static TheoryData<string, KeyExchangeId> Groups => new()
    {
        { "ECP-256", KeyExchangeId.Ecp256 },
        { "ECP-384", KeyExchangeId.Ecp384 },
        { "ECP-521", KeyExchangeId.Ecp521 },
    };

    private static EcpGroup Group(KeyExchangeId id) => (EcpGroup)TransformRegistry.KeyExchange(id);

    [Theory]
    [MemberData(nameof(Groups))]
    public void Agreement_Rfc5903Vector_GivesPublicValuesAndSharedX(string name, KeyExchangeId id)
    {
        VectorFile.Block v = VectorFile.Read("ecp-rfc5903.txt").First(b => b.Name == name);
        EcpGroup group = Group(id);
        using var initiator = new EcpKeyExchange(group, v.Hex("i"));
        using var responder = new EcpKeyExchange(group, v.Hex("r"));

        if (v.Has("gix"))
        {
            Assert.Equal(Convert.ToHexString([.. v.Hex("gix"), .. v.Hex("giy")]), Convert.ToHexString(initiator.PublicKey));
            Assert.Equal(Convert.ToHexString([.. v.Hex("grx"), .. v.Hex("gry")]), Convert.ToHexString(responder.PublicKey));
        }
        byte[] fromInitiator = initiator.DeriveSharedSecret(responder.PublicKey);
        byte[] fromResponder = responder.DeriveSharedSecret(initiator.PublicKey);

        Assert.Equal(Convert.ToHexString(v.Hex("girx")), Convert.ToHexString(fromInitiator));
        Assert.Equal(fromInitiator, fromResponder);
        Assert.Equal(group.SharedSecretLength, fromInitiator.Length);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Agreement_BclAndBouncyCastle_Interoperate(string name, KeyExchangeId id)
    {
        EcpGroup group = Group(id);
        using var bcl = new EcpKeyExchange(group);
        using var bouncy = new EcpBouncyKeyExchange(group);

        Assert.Equal(group.PublicKeyLength, bouncy.PublicKey.Length);
        Assert.Equal(bcl.DeriveSharedSecret(bouncy.PublicKey), bouncy.DeriveSharedSecret(bcl.PublicKey));
        Assert.NotEmpty(name);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void DeriveSharedSecret_InvalidPoints_ThrowInvalidSyntax(string name, KeyExchangeId id)
    {
        EcpGroup group = Group(id);
        using IKeyExchange ours = group.Create();
        using IKeyExchange peer = group.Create();
        byte[] valid = peer.PublicKey.ToArray();
        byte[] offCurve = (byte[])valid.Clone();
        offCurve[^1] ^= 0x01;
        byte[] outOfField = Enumerable.Repeat((byte)0xff, group.PublicKeyLength).ToArray();
        byte[] zero = new byte[group.PublicKeyLength];

        foreach (byte[] bad in new[] { offCurve, outOfField, zero, valid[..^1], [.. valid, 0] })
        {
            var ex = Assert.Throws<IkeProtocolException>(() => ours.DeriveSharedSecret(bad));
            Assert.Equal(NotifyType.InvalidSyntax, ex.Notify);
        }
        Assert.Equal(group.SharedSecretLength, ours.DeriveSharedSecret(valid).Length);
        Assert.NotEmpty(name);
    }
}
