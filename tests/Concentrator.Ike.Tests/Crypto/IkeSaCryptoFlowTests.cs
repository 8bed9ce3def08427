using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Tests.Crypto;

/// <summary>The crypto half of IKE_SA_INIT + IKE_AUTH + CREATE_CHILD_SA as two peers would run it, through the
/// public API only (what IkeInitTask, IkeAuthTask and the load generator will call).</summary>
public class IkeSaCryptoFlowTests
{
    [Theory]
    [InlineData(KeyExchangeId.Curve25519, EncryptionId.AesGcm16, 256, IntegrityId.None)]
    [InlineData(KeyExchangeId.Ecp256, EncryptionId.ChaCha20Poly1305, 256, IntegrityId.None)]
    [InlineData(KeyExchangeId.Modp2048, EncryptionId.AesCbc, 128, IntegrityId.HmacSha2_256_128)]
    public void TwoPeers_SameProposal_DeriveSameKeysExchangeMessagesAndAgreeOnPskAuth(
        KeyExchangeId group, EncryptionId encrId, int bits, IntegrityId integId)
    {
        IPrf prf = TransformRegistry.Prf(PrfId.HmacSha2_256);
        IEncryption encr = TransformRegistry.Encryption(encrId, bits);
        IIntegrity? integ = integId == IntegrityId.None ? null : TransformRegistry.Integrity(integId);
        byte[] ni = RandomNumberGenerator.GetBytes(32), nr = RandomNumberGenerator.GetBytes(32);
        const ulong spiI = 0xA1A2A3A4A5A6A7A8UL, spiR = 0xB1B2B3B4B5B6B7B8UL;

        // IKE_SA_INIT: KE payloads cross, each side derives g^ir and the seven keys.
        using IKeyExchange keI = KeyExchange.Create((ushort)group);
        using IKeyExchange keR = KeyExchange.Create((ushort)group);
        byte[] girI = keI.DeriveSharedSecret(keR.PublicKey);
        byte[] girR = keR.DeriveSharedSecret(keI.PublicKey);
        using IkeKeymat keysI = IkeKeymat.Derive(prf, encr, integ, girI, ni, nr, spiI, spiR);
        using IkeKeymat keysR = IkeKeymat.Derive(prf, encr, integ, girR, ni, nr, spiI, spiR);
        using SkCipherPair skI = keysI.CreateSkCiphers(isInitiator: true);
        using SkCipherPair skR = keysR.CreateSkCiphers(isInitiator: false);

        // IKE_AUTH request: PSK AUTH over the initiator's signed octets, sealed in SK.
        byte[] psk = "shared secret of the road warrior"u8.ToArray();
        byte[] message1 = RandomNumberGenerator.GetBytes(500);
        byte[] idI = [2, 0, 0, 0, .. "rw1.example"u8];
        byte[] authI = AuthOctets.SharedKeyAuth(prf, psk, keysI.SignedOctets(true, message1, nr, idI));
        byte[] header = RandomNumberGenerator.GetBytes(32);
        byte[] opened = SkCipherTests.RoundTrip(skI.Outbound, skR.Inbound, header, authI);

        Assert.True(AuthOctets.VerifySharedKeyAuth(prf, psk, keysR.SignedOctets(true, message1, nr, idI), opened));

        // CREATE_CHILD_SA without PFS: both ends cut the same ESP keys.
        using ChildKeymat childI = keysI.DeriveChild(encr.KeyLength, integ?.KeyLength ?? 0, [], ni, nr);
        using ChildKeymat childR = keysR.DeriveChild(encr.KeyLength, integ?.KeyLength ?? 0, [], ni, nr);
        Assert.Equal(childI.ResponderEncryptionKey.ToArray(), childR.ResponderEncryptionKey.ToArray());
        Assert.Equal(childI.InitiatorIntegrityKey.ToArray(), childR.InitiatorIntegrityKey.ToArray());
        Assert.NotEqual(childI.InitiatorEncryptionKey.ToArray(), childI.ResponderEncryptionKey.ToArray());
    }
}
