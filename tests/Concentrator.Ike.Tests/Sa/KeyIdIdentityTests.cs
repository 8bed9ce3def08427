using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>ID_KEY_ID identities (RFC 7296 §3.5, type 11) in strongSwan's text form "@#hex": parsed, printed, matched,
/// and a PSK road warrior that names itself by key id set up against a secret filed under it.</summary>
public class KeyIdIdentityTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    [Fact]
    public void Parse_AtHashHex_KeyIdWithTheOctetsPrintedBackInLowerCase()
    {
        IkeIdentity id = IkeIdentity.Parse("@#0123ABcd");

        Assert.Equal(IdType.KeyId, id.Type);
        Assert.Equal(new byte[] { 0x01, 0x23, 0xab, 0xcd }, id.Data.ToArray());
        Assert.Equal("@#0123abcd", id.ToString());
        Assert.Equal(id, IkeIdentity.Parse(id.ToString()));
        Assert.Equal(int.MaxValue, IkeIdentity.Parse("@#0123abcd").Match(id));
        Assert.Equal(0, IkeIdentity.Parse("@#0123ab").Match(id));
    }

    [Theory]
    [InlineData("@#")]
    [InlineData("@#abc")]
    [InlineData("@#zz")]
    public void TryParseKeyId_BadHex_RefusedButRecognisedAsMeantToBeOne(string text)
    {
        Assert.False(IkeIdentity.TryParseKeyId(text, out _));
        Assert.True(IkeIdentity.IsKeyIdSyntax(text));
    }

    [Fact]
    public void Setup_PeerNamedByKeyId_PskFiledUnderItsTextFormEstablished()
    {
        // The gateway has no %any secret: only the key id's own text form finds it.
        var gateway = new PskAuthenticator(new PskStore().Add("@#0123abcd", "key-id-secret").Lookup);
        var road = new PskAuthenticator(new PskStore().Add("%any", "key-id-secret").Lookup);
        IkeSaConfig client = SaPair.Config("@#0123abcd", "unused", [Ike], ["aes256gcm16"], c => c with
        {
            LocalAuthenticator = road,
            RemoteAuthenticators = [road],
            RequestVirtualIp4 = true,
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
        });
        IkeSaConfig server = SaPair.Config("vpn.example.org", "unused", [Ike], ["aes256gcm16"], c => c with
        {
            LocalAuthenticator = gateway,
            RemoteAuthenticators = [gateway],
            RemoteIdentity = IkeIdentity.Parse("@#0123abcd"),
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
        });
        using var pair = new SaPair(client, server, new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IdType.KeyId, pair.Responder.RemoteIdentity!.Type);
        Assert.Equal("@#0123abcd", pair.Responder.RemoteIdentity.ToString());
    }
}
