using Concentrator.Ike.Auth.Eap;

namespace Concentrator.Ike.Tests.Auth.Eap;

/// <summary>Ring a: RFC 2759 §9.2 and RFC 3079 §3.5.3 test vectors.</summary>
public class MsChapV2VectorTests
{
    private static readonly byte[] AuthenticatorChallenge = Convert.FromHexString("5B5D7C7D7B3F2F3E3C2C602132262628");
    private static readonly byte[] PeerChallenge = Convert.FromHexString("21402324255E262A28295F2B3A337C7E");
    private static readonly byte[] User = "User"u8.ToArray();
    private static readonly byte[] Password = "clientPass"u8.ToArray();

    [Fact]
    public void NtPasswordHash_Rfc2759Vector_Matches() =>
        Assert.Equal("44EBBA8D5312B8D611474411F56989AE", Convert.ToHexString(MsChapV2.NtPasswordHash(Password)));

    [Fact]
    public void HashNtPasswordHash_Rfc2759Vector_Matches() =>
        Assert.Equal("41C00C584BD2D91C4017A2A12FA59F3F",
            Convert.ToHexString(MsChapV2.HashNtPasswordHash(MsChapV2.NtPasswordHash(Password))));

    [Fact]
    public void ChallengeHash_Rfc2759Vector_Matches() =>
        Assert.Equal("D02E4386BCE91226", Convert.ToHexString(MsChapV2.ChallengeHash(PeerChallenge, AuthenticatorChallenge, User)));

    [Fact]
    public void ChallengeHash_DomainPrefixedUser_HashesTheUserAlone() =>
        Assert.Equal("D02E4386BCE91226", Convert.ToHexString(MsChapV2.ChallengeHash(PeerChallenge, AuthenticatorChallenge, "EXAMPLE\\User"u8)));

    [Fact]
    public void NtResponse_Rfc2759Vector_Matches()
    {
        byte[] challengeHash = MsChapV2.ChallengeHash(PeerChallenge, AuthenticatorChallenge, User);

        byte[] response = MsChapV2.NtResponse(challengeHash, MsChapV2.NtPasswordHash(Password));

        Assert.Equal("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", Convert.ToHexString(response));
    }

    [Fact]
    public void AuthenticatorResponse_Rfc2759Vector_Matches()
    {
        byte[] hash = MsChapV2.NtPasswordHash(Password);
        byte[] challengeHash = MsChapV2.ChallengeHash(PeerChallenge, AuthenticatorChallenge, User);
        byte[] ntResponse = MsChapV2.NtResponse(challengeHash, hash);

        byte[] s = MsChapV2.AuthenticatorResponse(MsChapV2.HashNtPasswordHash(hash), ntResponse, challengeHash);

        Assert.Equal("407A5589115FD0D6209F510FE9C04566932CDA56", Convert.ToHexString(s));
    }

    [Fact]
    public void MasterKey_Rfc3079Vector_Matches()
    {
        byte[] hashHash = Convert.FromHexString("41C00C584BD2D91C4017A2A12FA59F3F");
        byte[] ntResponse = Convert.FromHexString("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");

        Assert.Equal("FDECE3717A8C838CB388E527AE3CDD31", Convert.ToHexString(MsChapV2.MasterKey(hashHash, ntResponse)));
    }

    [Fact]
    public void Msk_Rfc3079Vector_ReceiveKeyThenSendKeyThenZeros()
    {
        byte[] hashHash = Convert.FromHexString("41C00C584BD2D91C4017A2A12FA59F3F");
        byte[] ntResponse = Convert.FromHexString("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");

        byte[] msk = MsChapV2.Msk(hashHash, ntResponse);

        Assert.Equal(64, msk.Length);
        // RFC 3079 §3.5.3: the server's SendStartKey128 (magic 3); strongSwan's MSK is MasterReceiveKey | MasterSendKey.
        Assert.Equal("8B7CDC149B993A1BA118CB153F56DCCB", Convert.ToHexString(msk.AsSpan(16, 16)));
        Assert.All(msk.AsSpan(32).ToArray(), b => Assert.Equal(0, b));
        Assert.NotEqual(msk.AsSpan(0, 16).ToArray(), msk.AsSpan(16, 16).ToArray());
    }

    [Fact]
    public void NtResponse_ThirdDesKeyWeak_StillComputes()
    {
        // A password hash whose octets 14 and 15 are zero makes the third DES key 01…01, a DES weak key the BCL refuses.
        byte[] hash = Convert.FromHexString("44EBBA8D5312B8D611474411F5690000");

        byte[] response = MsChapV2.NtResponse(Convert.FromHexString("D02E4386BCE91226"), hash);

        Assert.Equal(24, response.Length);
        Assert.NotEqual(response.AsSpan(8, 8).ToArray(), response.AsSpan(16, 8).ToArray());
    }
}
