using System.Net;
using System.Text;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>The RFC 2865 §7.1 example ("User Password Authentication"): NAS 192.168.1.16 authenticates user "nemo"
/// with password "arctangent", shared secret "xyzzy5461".</summary>
public sealed class RadiusRfcVectorTests
{
    internal static readonly byte[] Secret = Encoding.ASCII.GetBytes("xyzzy5461");

    internal static readonly byte[] Request = Convert.FromHexString(
        "01000038" + "0f403f9473978057bd83d5cb98f4227a" + "01066e656d6f" + "02120dbe708d93d413ce3196e43f782a0aee" + "0406c0a80110" + "050600000003");

    internal static readonly byte[] Accept = Convert.FromHexString(
        "02000026" + "86fe220e7624ba2a1005f6bf9b55e0b2" + "0606" + "00000001" + "0f06" + "00000000" + "0e06c0a80103");

    private static ReadOnlySpan<byte> RequestAuthenticator => Request.AsSpan(4, 16);

    [Fact]
    public void AccessRequest_Rfc2865Example_EncodesByteForByte()
    {
        Span<byte> buffer = stackalloc byte[RadiusConstants.MaxPacketLength];
        var writer = new RadiusWriter(buffer, RadiusCode.AccessRequest, 0, RequestAuthenticator);
        writer.Write(RadiusAttribute.Text(RadiusAttributeType.UserName, "nemo"));
        writer.Write(RadiusAttributeType.UserPassword, UserPassword.Hide("arctangent"u8, Secret, RequestAuthenticator));
        writer.Write(RadiusAttribute.Address(RadiusAttributeType.NasIpAddress, IPAddress.Parse("192.168.1.16")));
        writer.Write(RadiusAttribute.Integer(RadiusAttributeType.NasPort, 3));

        Assert.Equal(Convert.ToHexString(Request), Convert.ToHexString(writer.Finish()));
    }

    [Fact]
    public void UserPassword_Rfc2865Example_RecoversArctangent()
    {
        Assert.True(RadiusPacket.TryParse(Request, out var packet, out _));
        var hidden = packet!.Find(RadiusAttributeType.UserPassword)!.Value.Value.Span;

        Assert.Equal("arctangent", Encoding.ASCII.GetString(UserPassword.Recover(hidden, Secret, RequestAuthenticator)!));
    }

    [Fact]
    public void AccessAccept_Rfc2865Example_VerifiesWithTheRequestAuthenticator()
    {
        Assert.True(RadiusPacket.TryParse(Accept, out var reply, out var refusal), refusal.ToString());

        Assert.Equal(RadiusCode.AccessAccept, reply!.Code);
        Assert.Equal(RadiusRefusal.None, RadiusAuthenticator.VerifyReply(reply, RequestAuthenticator, Secret, hasEapMessage: false));
        Assert.Equal(1u, reply.Find(RadiusAttributeType.ServiceType)!.Value.AsInteger());
        // Login-Service (15) and Login-IP-Host (14) are not this client's business: ignored and counted.
        Assert.Equal(2, reply.UnknownAttributes);
    }

    [Fact]
    public void AccessAccept_Rfc2865ExampleWithWrongSecret_IsBadAuthenticator()
    {
        Assert.True(RadiusPacket.TryParse(Accept, out var reply, out _));

        Assert.Equal(RadiusRefusal.BadAuthenticator, RadiusAuthenticator.VerifyReply(reply!, RequestAuthenticator, "xyzzy5462"u8, hasEapMessage: false));
    }

    [Fact]
    public void AccessAccept_Rfc2865ExampleWithOneAttributeOctetChanged_IsBadAuthenticator()
    {
        var forged = (byte[])Accept.Clone();
        forged[^1] ^= 1; // Login-IP-Host 192.168.1.3 → 192.168.1.2

        Assert.True(RadiusPacket.TryParse(forged, out var reply, out _));
        Assert.Equal(RadiusRefusal.BadAuthenticator, RadiusAuthenticator.VerifyReply(reply!, RequestAuthenticator, Secret, hasEapMessage: false));
    }

    [Fact]
    public void AccessAccept_Rfc2865ExampleEncodedAsServer_IsByteForByte()
    {
        var attributes = new[]
        {
            RadiusAttribute.Integer(RadiusAttributeType.ServiceType, 1),
            new RadiusAttribute((RadiusAttributeType)15, new byte[4]),
            RadiusAttribute.Address((RadiusAttributeType)14, IPAddress.Parse("192.168.1.3")),
        };

        var encoded = RadiusEncoder.Reply(RadiusCode.AccessAccept, 0, RequestAuthenticator, attributes, default, Secret, messageAuthenticator: false);

        Assert.Equal(Convert.ToHexString(Accept), Convert.ToHexString(encoded));
    }
}
