using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

#pragma warning disable CA5351 // the tests recompute RFC 2866 / RFC 3579 MD5 constructions independently.

public sealed class RadiusCodecTests
{
    private static readonly byte[] Secret = "s3cret-for-tests"u8.ToArray();

    [Fact]
    public void AccessRequest_WithEapMessage_CarriesAValidMessageAuthenticator()
    {
        var ra = RadiusAuthenticator.NewRequestAuthenticator();
        var eap = new byte[] { 2, 7, 0, 9, 1, (byte)'a', (byte)'l', (byte)'i', (byte)'c' };

        var packet = RadiusEncoder.AccessRequest(7, ra, [RadiusAttribute.Text(RadiusAttributeType.UserName, "alic")], eap, Secret);

        Assert.True(RadiusPacket.TryParse(packet, out var parsed, out _));
        Assert.Equal(eap, parsed!.Concatenated(RadiusAttributeType.EapMessage));
        var offset = parsed.MessageAuthenticatorOffset;
        Assert.True(offset > 0);
        // RFC 3579 §3.2: HMAC-MD5(secret, Type+Identifier+Length+Request Authenticator+Attributes), the value zeroed.
        var copy = (byte[])packet.Clone();
        copy.AsSpan(offset, 16).Clear();
        Assert.Equal(HMACMD5.HashData(Secret, copy), packet.AsSpan(offset, 16).ToArray());
    }

    [Fact]
    public void AccessRequest_EapMessageOf600Octets_IsSplitIntoConsecutive253OctetAttributesAndReassembled()
    {
        var eap = RandomNumberGenerator.GetBytes(600);

        var packet = RadiusEncoder.AccessRequest(1, RadiusAuthenticator.NewRequestAuthenticator(), [], eap, Secret);

        Assert.True(RadiusPacket.TryParse(packet, out var parsed, out _));
        var fragments = parsed!.Attributes.Where(a => a.Type == RadiusAttributeType.EapMessage).Select(a => a.Value.Length).ToArray();
        Assert.Equal([253, 253, 94], fragments);
        // RFC 3579 §3.1: consecutive and in order.
        Assert.Equal([RadiusAttributeType.EapMessage, RadiusAttributeType.EapMessage, RadiusAttributeType.EapMessage, RadiusAttributeType.MessageAuthenticator],
            parsed.Attributes.Select(a => a.Type));
        Assert.Equal(eap, parsed.Concatenated(RadiusAttributeType.EapMessage));
    }

    [Fact]
    public void AccountingRequest_Authenticator_IsMd5OverPacketWithZeroAuthenticatorAndSecret()
    {
        var packet = RadiusEncoder.AccountingRequest(9, [RadiusAttribute.Integer(RadiusAttributeType.AcctStatusType, 1), RadiusAttribute.Text(RadiusAttributeType.AcctSessionId, "s1")], Secret);

        var zeroed = (byte[])packet.Clone();
        zeroed.AsSpan(4, 16).Clear();
        Assert.Equal(MD5.HashData([.. zeroed, .. Secret]), packet.AsSpan(4, 16).ToArray());
        Assert.Equal(packet.Length, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
    }

    [Fact]
    public void Reply_ChallengeWithEapAndMessageAuthenticator_Verifies()
    {
        var ra = RadiusAuthenticator.NewRequestAuthenticator();
        var reply = RadiusEncoder.Reply(RadiusCode.AccessChallenge, 3, ra, [new RadiusAttribute(RadiusAttributeType.State, new byte[] { 1, 2, 3 })],
            new byte[] { 1, 1, 0, 6, 4, 0x10 }, Secret, messageAuthenticator: true);

        Assert.True(RadiusPacket.TryParse(reply, out var parsed, out _));
        Assert.Equal(RadiusRefusal.None, RadiusAuthenticator.VerifyReply(parsed!, ra, Secret, hasEapMessage: true));
    }

    [Fact]
    public void Reply_MessageAuthenticatorAlteredButResponseAuthenticatorRecomputed_IsBadMessageAuthenticator()
    {
        var ra = RadiusAuthenticator.NewRequestAuthenticator();
        var reply = RadiusEncoder.Reply(RadiusCode.AccessAccept, 3, ra, [], new byte[] { 3, 1, 0, 4 }, Secret, messageAuthenticator: true);
        Assert.True(RadiusPacket.TryParse(reply, out var first, out _));
        reply[first!.MessageAuthenticatorOffset] ^= 0x80;
        // A forger who knew the secret for the Response Authenticator only: it matches, the HMAC does not.
        RadiusAuthenticator.Compute(reply, ra, Secret, reply.AsSpan(4, 16));

        Assert.True(RadiusPacket.TryParse(reply, out var parsed, out _));
        Assert.Equal(RadiusRefusal.BadMessageAuthenticator, RadiusAuthenticator.VerifyReply(parsed!, ra, Secret, hasEapMessage: true));
    }

    [Fact]
    public void Reply_EapMessageWithoutMessageAuthenticator_IsMissingMessageAuthenticator()
    {
        var ra = RadiusAuthenticator.NewRequestAuthenticator();
        var reply = RadiusEncoder.Reply(RadiusCode.AccessAccept, 3, ra, [], new byte[] { 3, 1, 0, 4 }, Secret, messageAuthenticator: false);

        Assert.True(RadiusPacket.TryParse(reply, out var parsed, out _));
        Assert.Equal(RadiusRefusal.MissingMessageAuthenticator, RadiusAuthenticator.VerifyReply(parsed!, ra, Secret, hasEapMessage: true));
    }

    [Fact]
    public void MppeKey_EncryptThenDecrypt_RoundTripsWithSaltHighBitSet()
    {
        var ra = RadiusAuthenticator.NewRequestAuthenticator();
        var key = RandomNumberGenerator.GetBytes(32);

        var value = MppeKey.Encrypt(key, Secret, ra, 0x1234);

        Assert.Equal(0x80, value[0] & 0x80);
        Assert.Equal(2 + 48, value.Length); // RFC 2548 §2.4.2: 1 + 32 octets padded to 48.
        Assert.True(MppeKey.TryDecrypt(value, Secret, ra, out var decrypted));
        Assert.Equal(key, decrypted);
    }

    [Fact]
    public void MppeKey_DecryptedWithAnotherRequestAuthenticator_IsNotTheKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var value = MppeKey.Encrypt(key, Secret, RadiusAuthenticator.NewRequestAuthenticator(), 0x8001);

        var ok = MppeKey.TryDecrypt(value, Secret, RadiusAuthenticator.NewRequestAuthenticator(), out var decrypted);

        Assert.False(ok && decrypted.AsSpan().SequenceEqual(key));
    }

    [Theory]
    [InlineData(0x00, 18)] // salt without its high bit
    [InlineData(0x80, 17)] // encrypted string not a multiple of 16
    [InlineData(0x80, 2)]  // no string at all
    public void MppeKey_MalformedValue_IsRefused(byte saltHigh, int length)
    {
        var value = new byte[length];
        value[0] = saltHigh;

        Assert.False(MppeKey.TryDecrypt(value, Secret, new byte[16], out _));
    }

    [Fact]
    public void VendorAttribute_MicrosoftKey_RoundTripsThroughAPacket()
    {
        var ra = RadiusAuthenticator.NewRequestAuthenticator();
        var recv = RandomNumberGenerator.GetBytes(32);
        var attr = RadiusAttribute.Vendor(RadiusConstants.VendorMicrosoft, (byte)MicrosoftAttributeType.MsMppeRecvKey, MppeKey.Encrypt(recv, Secret, ra, 0x8123));
        var reply = RadiusEncoder.Reply(RadiusCode.AccessAccept, 1, ra, [attr], default, Secret, messageAuthenticator: true);

        Assert.True(RadiusPacket.TryParse(reply, out var parsed, out _));
        var data = parsed!.FindVendor(RadiusConstants.VendorMicrosoft, (byte)MicrosoftAttributeType.MsMppeRecvKey);
        Assert.NotNull(data);
        Assert.True(MppeKey.TryDecrypt(data.Value.Span, Secret, ra, out var decrypted));
        Assert.Equal(recv, decrypted);
    }

    [Fact]
    public void Attribute_FramedIpAddress_ReadsBackAsAddress()
    {
        var reply = RadiusEncoder.Reply(RadiusCode.AccessAccept, 1, new byte[16],
            [RadiusAttribute.Address(RadiusAttributeType.FramedIpAddress, IPAddress.Parse("10.9.8.7"))], default, Secret, messageAuthenticator: false);

        Assert.True(RadiusPacket.TryParse(reply, out var parsed, out _));
        Assert.Equal(IPAddress.Parse("10.9.8.7"), parsed!.Find(RadiusAttributeType.FramedIpAddress)!.Value.AsAddress());
    }
    [Fact]
    public void UserPassword_FortyOctets_HidesInThreeChainedBlocksAndRecovers()
    {
        var ra = RadiusAuthenticator.NewRequestAuthenticator();
        var password = "0123456789012345678901234567890123456789"u8.ToArray();

        var hidden = UserPassword.Hide(password, Secret, ra);

        Assert.Equal(48, hidden.Length);
        Assert.Equal(password, UserPassword.Recover(hidden, Secret, ra));
        // RFC 2865 §5.2: block 2 is XORed with MD5(S + c1), not MD5(S + RA): changing c1 changes what block 2 decodes to.
        hidden[0] ^= 1;
        Assert.NotEqual(password.AsSpan(16, 16).ToArray(), UserPassword.Recover(hidden, Secret, ra)!.AsSpan(16, 16).ToArray());
    }
}
