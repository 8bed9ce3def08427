using System.Net;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Interop;

/// <summary>
/// The SK payloads strongSwan sent open with the sender's logged keys (initiator: SK_ei/SK_ai, responder:
/// SK_er/SK_ar), their inner payloads parse in charon's order, and sealing the inner payloads again with the IV
/// strongSwan used gives strongSwan's octets back.
/// </summary>
public sealed class StrongSwanEncryptionTests
{
    public static TheoryData<string> Scenarios => StrongSwanScenario.ScenarioData();

    public static TheoryData<string, string> EncryptedMessages => StrongSwanScenario.MessageData(encryptedOnly: true);

    [Theory]
    [MemberData(nameof(EncryptedMessages))]
    public void TryDecrypt_SendersLoggedKeys_InnerPayloadsInStrongSwansOrder(string scenario, string file)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        CapturedMessage captured = s.Message(file);

        IkeMessage message = StrongSwanSuite.Of(s).Decrypt(s, captured);

        Assert.Equal(StrongSwanSuite.SummaryTypes(captured.StrongSwanPayloads!), message.Content.Select(p => p.Type));
        MessageRules.Validate(message);
    }

    [Theory]
    [MemberData(nameof(EncryptedMessages))]
    public void TryDecrypt_OtherDirectionsKeys_IcvFails(string scenario, string file)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        CapturedMessage captured = s.Message(file);
        IkeMessage message = IkeMessage.Parse(captured.Bytes);
        using ISkCipher wrong = StrongSwanSuite.Of(s).Cipher(s, ofInitiator: !captured.FromInitiator);

        Assert.False(message.TryDecrypt(wrong));
    }

    [Theory]
    [MemberData(nameof(EncryptedMessages))]
    public void EncodeEncrypted_StrongSwansIv_ReproducesCapturedOctets(string scenario, string file)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        CapturedMessage captured = s.Message(file);
        StrongSwanSuite suite = StrongSwanSuite.Of(s);
        IkeMessage message = suite.Decrypt(s, captured);
        var sk = (EncryptedPayload)message.Payloads[^1];
        byte[] iv = sk.SealedBody[..suite.Encryption.IvLength].ToArray();

        byte[] sealedAgain;
        using (ISkCipher cipher = suite.Cipher(s, captured.FromInitiator, new ReplayRandom(iv)))
        {
            sealedAgain = message.ToEncryptedArray(cipher);
        }

        if (suite.Encryption.IsAead)
        {
            // AES-GCM / ChaCha20-Poly1305 with strongSwan's explicit IV, and strongSwan sends no padding here either.
            Assert.Equal(Convert.ToHexString(captured.Bytes), Convert.ToHexString(sealedAgain));
            return;
        }

        // AES-CBC: strongSwan fills the padding with random octets (RFC 7296 §3.14 lets it hold any value), we
        // send zeros. Same IV and key, so every ciphertext block before the one holding the padding is identical,
        // and so are the length and everything in front of the IV.
        int skOffset = captured.Bytes.Length - IkeConstants.GenericPayloadHeaderLength - sk.SealedBody.Length;
        int innerLength = sk.Inner!.Sum(p => IkeConstants.GenericPayloadHeaderLength + StrongSwanSuite.Body(p).Length);
        int identical = skOffset + IkeConstants.GenericPayloadHeaderLength + iv.Length + innerLength / 16 * 16;
        Assert.Equal(captured.Bytes.Length, sealedAgain.Length);
        Assert.Equal(Convert.ToHexString(captured.Bytes.AsSpan(0, identical)), Convert.ToHexString(sealedAgain.AsSpan(0, identical)));
        IkeMessage reopened = IkeMessage.Parse(sealedAgain);
        using ISkCipher opener = suite.Cipher(s, captured.FromInitiator);
        Assert.True(reopened.TryDecrypt(opener));
        Assert.Equal(message.Content.Select(p => Convert.ToHexString(StrongSwanSuite.Body(p))),
            reopened.Content.Select(p => Convert.ToHexString(StrongSwanSuite.Body(p))));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void TryDecrypt_IkeAuthRequest_CarriesIdentitiesPskAuthCpRequestAndSelectors(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        IkeMessage request = StrongSwanSuite.Of(s).Decrypt(s, s.AuthRequest);

        IdPayload idi = request.Get<IdPayload>()!;
        Assert.True(idi.IsInitiator);
        Assert.Equal(IdType.Rfc822Address, idi.IdType);
        Assert.Equal(s.IdI, System.Text.Encoding.ASCII.GetString(idi.Data.Span));
        IdPayload idr = request.GetAll<IdPayload>().Single(p => !p.IsInitiator);
        Assert.Equal(IdType.Fqdn, idr.IdType);
        Assert.Equal(s.IdR, System.Text.Encoding.ASCII.GetString(idr.Data.Span));
        Assert.Equal(AuthMethod.SharedKeyMic, request.Get<AuthPayload>()!.Method);
        ConfigurationPayload cp = request.Get<ConfigurationPayload>()!;
        Assert.Equal(ConfigType.Request, cp.ConfigType);
        Assert.Contains(cp.Attributes, a => a.Type == ConfigAttributeType.InternalIp4Address && a.IsEmpty);
        Assert.Equal(ProtocolId.Esp, Assert.Single(request.Get<SaPayload>()!.Proposals).Protocol);
        TrafficSelector tsr = Assert.Single(request.GetAll<TrafficSelectorPayload>().Single(p => !p.IsInitiator).Selectors);
        Assert.Equal(IPAddress.Parse("198.51.100.0"), tsr.GetStartAddress());
        Assert.Equal(IPAddress.Parse("198.51.100.255"), tsr.GetEndAddress());
        Assert.NotNull(request.GetNotify(NotifyType.InitialContact));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void TryDecrypt_IkeAuthResponse_CarriesVirtualIpAndNarrowedSelectors(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        IkeMessage response = StrongSwanSuite.Of(s).Decrypt(s, s.AuthResponse);

        IdPayload idr = response.Get<IdPayload>()!;
        Assert.False(idr.IsInitiator);
        Assert.Equal(s.IdR, System.Text.Encoding.ASCII.GetString(idr.Data.Span));
        ConfigurationPayload cp = response.Get<ConfigurationPayload>()!;
        Assert.Equal(ConfigType.Reply, cp.ConfigType);
        ConfigAttribute address = cp.Attributes.Single(a => a.Type == ConfigAttributeType.InternalIp4Address);
        Assert.True(address.TryGetAddress(out IPAddress? vip));
        TrafficSelector tsi = Assert.Single(response.GetAll<TrafficSelectorPayload>().Single(p => p.IsInitiator).Selectors);
        Assert.Equal(vip, tsi.GetStartAddress());
        Assert.Equal(vip, tsi.GetEndAddress());
        Proposal esp = Assert.Single(response.Get<SaPayload>()!.Proposals);
        Assert.Equal(ProtocolId.Esp, esp.Protocol);
        Assert.Equal(4, esp.Spi.Length);
    }
}
