using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

public class AuthOctetsTests
{
    [Fact]
    public void SignedOctets_Initiator_IsMessageThenPeerNonceThenMacedId()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        byte[] message = RandomNumberGenerator.GetBytes(300);
        byte[] nonceR = RandomNumberGenerator.GetBytes(32);
        byte[] skPi = RandomNumberGenerator.GetBytes(32);
        byte[] idBody = [0x02, 0, 0, 0, .. "client.example"u8];

        byte[] octets = AuthOctets.SignedOctets(prf, skPi, message, nonceR, idBody);

        Assert.Equal([.. message, .. nonceR, .. HMACSHA256.HashData(skPi, idBody)], octets);
    }

    [Fact]
    public void SharedKeyAuth_Psk_IsPrfOfPrfOfKeyPad()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_384);
        byte[] psk = "correct horse battery staple"u8.ToArray();
        byte[] octets = RandomNumberGenerator.GetBytes(400);

        byte[] auth = AuthOctets.SharedKeyAuth(prf, psk, octets);

        byte[] padKey = HMACSHA384.HashData(psk, "Key Pad for IKEv2"u8);
        Assert.Equal(HMACSHA384.HashData(padKey, octets), auth);
        Assert.True(AuthOctets.VerifySharedKeyAuth(prf, psk, octets, auth));
        auth[0] ^= 1;
        Assert.False(AuthOctets.VerifySharedKeyAuth(prf, psk, octets, auth));
    }

    [Fact]
    public void SignedOctets_KeymatRoles_UseSkPiForInitiatorAndSkPrForResponder()
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        using IkeKeymat keymat = IkeKeymat.Derive(prf, TransformRegistry.Encryption(EncryptionId.AesGcm16, 256), null,
            RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), 1UL, 2UL);
        byte[] message = [1, 2, 3];
        byte[] nonce = [4, 5];
        byte[] id = [9];

        Assert.Equal([1, 2, 3, 4, 5, .. HMACSHA256.HashData(keymat.SkPi, id)], keymat.SignedOctets(true, message, nonce, id));
        Assert.Equal([1, 2, 3, 4, 5, .. HMACSHA256.HashData(keymat.SkPr, id)], keymat.SignedOctets(false, message, nonce, id));
    }
}
