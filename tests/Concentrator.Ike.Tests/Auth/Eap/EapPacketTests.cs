using Concentrator.Ike.Auth.Eap;

namespace Concentrator.Ike.Tests.Auth.Eap;

/// <summary>Ring a: the EAP packet codec (RFC 3748 §4) accepts what the RFC allows and refuses the rest without throwing.</summary>
public class EapPacketTests
{
    [Fact]
    public void Encode_IdentityResponse_ParsesBack()
    {
        byte[] wire = EapPacket.Response(7, EapType.Identity, "alice"u8.ToArray()).Encode();

        Assert.True(EapPacket.TryParse(wire, out EapPacket packet, out _));

        Assert.Equal("0207000A01616C696365", Convert.ToHexString(wire));
        Assert.Equal(EapCode.Response, packet.Code);
        Assert.Equal(7, packet.Identifier);
        Assert.Equal(EapType.Identity, packet.Type);
        Assert.Equal("alice"u8.ToArray(), packet.Data.ToArray());
    }

    [Fact]
    public void Encode_Success_FourOctets() =>
        Assert.Equal("03090004", Convert.ToHexString(EapPacket.Success(9).Encode()));

    [Theory]
    [InlineData("", "0 octets")]
    [InlineData("0201", "2 octets")]
    [InlineData("02010005", "length 5 in 4")]
    [InlineData("0201000401", "length 4 in 5")]
    [InlineData("02010004", "without a Type")]
    [InlineData("0301000501", "code 3 with length 5")]
    [InlineData("05010004", "code 5")]
    [InlineData("00010004", "code 0")]
    public void TryParse_Malformed_RefusedWithReason(string hex, string reason)
    {
        bool parsed = EapPacket.TryParse(Convert.FromHexString(hex), out _, out string? problem);

        Assert.False(parsed);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RandomOctets_NeverThrows()
    {
        var random = new Random(12);
        int parsed = 0;
        for (int i = 0; i < 20000; i++)
        {
            byte[] junk = new byte[random.Next(0, 40)];
            random.NextBytes(junk);
            if (junk.Length >= 4 && random.Next(2) == 0)
            {
                junk[2] = 0;
                junk[3] = (byte)junk.Length;
            }

            parsed += EapPacket.TryParse(junk, out _, out _) ? 1 : 0;
        }

        Assert.InRange(parsed, 1, 19999);
    }
}
