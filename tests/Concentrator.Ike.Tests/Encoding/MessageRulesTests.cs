using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Encoding;

public sealed class MessageRulesTests
{
    private static void Invalid(IkeMessage message) =>
        Assert.Equal(NotifyType.InvalidSyntax, Assert.Throws<IkeProtocolException>(() => MessageRules.Validate(message)).Notify);

    private static IkeMessage Decrypted(ExchangeType exchange, bool response, IEnumerable<Payload> content)
    {
        using var cipher = new TestSkCipher();
        IkeMessage message = IkeMessage.Parse(SampleMessages.Encrypted(exchange, response, 1, content).ToEncryptedArray(cipher));
        Assert.True(message.TryDecrypt(cipher));
        return message;
    }

    [Fact]
    public void Validate_EveryCorpusMessage_Passes()
    {
        using var cipher = new TestSkCipher();
        int checkedCount = 0;
        foreach (byte[] datagram in SampleMessages.Corpus(cipher))
        {
            IkeMessage message = IkeMessage.Parse(datagram);
            if (message.Payloads.Count > 0 && message.Payloads[^1] is EncryptedPayload)
            {
                Assert.True(message.TryDecrypt(cipher));
            }

            MessageRules.Validate(message);
            checkedCount++;
        }

        Assert.True(checkedCount >= 10);
    }

    [Theory]
    [InlineData(PayloadType.SecurityAssociation)]
    [InlineData(PayloadType.KeyExchange)]
    [InlineData(PayloadType.Nonce)]
    public void Validate_IkeSaInitRequestMissingMandatory_InvalidSyntax(PayloadType missing)
    {
        IkeMessage message = SampleMessages.IkeSaInitRequest();
        message.Payloads.RemoveAll(p => p.Type == missing);
        Invalid(message);
    }

    [Fact]
    public void Validate_IkeSaInitRequestTwoNonces_InvalidSyntax()
    {
        IkeMessage message = SampleMessages.IkeSaInitRequest();
        message.Payloads.Add(new NoncePayload(SampleMessages.Bytes(16, 1)));
        Invalid(message);
    }

    [Fact]
    public void Validate_IkeSaInitRequestWithAuth_InvalidSyntax()
    {
        IkeMessage message = SampleMessages.IkeSaInitRequest();
        message.Payloads.Add(new AuthPayload(AuthMethod.SharedKeyMic, new byte[32]));
        Invalid(message);
    }

    [Fact]
    public void Validate_IkeSaInitResponseOnlyCookieOrError_Passes()
    {
        foreach (NotifyType type in new[] { NotifyType.Cookie, NotifyType.InvalidKePayload, NotifyType.NoProposalChosen })
        {
            var message = new IkeMessage(ExchangeType.IkeSaInit, 1, 0, 0, IkeHeaderFlags.Response);
            message.Payloads.Add(new NotifyPayload(type, new byte[] { 0, 31 }));
            MessageRules.Validate(message);
        }
    }

    [Fact]
    public void Validate_IkeSaInitResponseOnlyNatDetection_InvalidSyntax()
    {
        var message = new IkeMessage(ExchangeType.IkeSaInit, 1, 2, 0, IkeHeaderFlags.Response);
        message.Payloads.Add(new NotifyPayload(NotifyType.NatDetectionSourceIp, new byte[20]));
        Invalid(message);
    }

    [Fact]
    public void Validate_IkeAuthPayloadOutsideSk_InvalidSyntax()
    {
        var message = new IkeMessage(ExchangeType.IkeAuth, 1, 2, 1, IkeHeaderFlags.Initiator);
        message.Payloads.Add(IdPayload.Fqdn(true, "a.example"));
        Invalid(message);
    }

    [Fact]
    public void Validate_IkeSaInitWithSk_InvalidSyntax()
    {
        using var cipher = new TestSkCipher();
        IkeMessage message = IkeMessage.Parse(SampleMessages.Encrypted(ExchangeType.IkeSaInit, false, 0, [new NoncePayload(new byte[16])]).ToEncryptedArray(cipher));
        Invalid(message);
    }

    [Fact]
    public void Validate_IkeAuthTwoIdi_InvalidSyntax()
    {
        List<Payload> content = SampleMessages.IkeAuthRequestContent();
        content.Add(IdPayload.Fqdn(true, "b.example"));
        Invalid(Decrypted(ExchangeType.IkeAuth, false, content));
    }

    [Fact]
    public void Validate_IkeAuthResponseWithIdi_InvalidSyntax() =>
        Invalid(Decrypted(ExchangeType.IkeAuth, true, [IdPayload.Fqdn(true, "a.example")]));

    [Fact]
    public void Validate_InformationalWithSa_InvalidSyntax() =>
        Invalid(Decrypted(ExchangeType.Informational, false, [SampleMessages.EspProposal()]));

    [Fact]
    public void Validate_CreateChildSaWithoutNonce_InvalidSyntax() =>
        Invalid(Decrypted(ExchangeType.CreateChildSa, false, [SampleMessages.EspProposal()]));

    [Fact]
    public void Validate_CreateChildSaResponseErrorOnly_Passes() =>
        MessageRules.Validate(Decrypted(ExchangeType.CreateChildSa, true, [new NotifyPayload(NotifyType.NoAdditionalSas)]));

    [Fact]
    public void Validate_UnknownExchange_InvalidSyntax() =>
        Invalid(new IkeMessage((ExchangeType)99, 1, 2, 0, IkeHeaderFlags.Initiator));

    [Fact]
    public void Validate_UnknownNonCriticalPayload_Ignored()
    {
        IkeMessage message = SampleMessages.IkeSaInitRequest();
        message.Payloads.Add(new UnknownPayload((PayloadType)200, new byte[] { 1 }));
        MessageRules.Validate(message);
        Assert.Equal(9, message.Payloads.Count);
    }

    [Fact]
    public void Validate_SessionResumeRequest_NeedsTicketNotifyAndNonce()
    {
        var message = new IkeMessage(ExchangeType.IkeSessionResume, 1, 0, 0, IkeHeaderFlags.Initiator);
        message.Payloads.Add(new NoncePayload(new byte[16]));
        Invalid(message);
        message.Payloads.Insert(0, new NotifyPayload(NotifyType.TicketOpaque, new byte[40]));
        MessageRules.Validate(message);
    }

    [Fact]
    public void For_EncryptedExchanges_AllRulesEncrypted()
    {
        foreach (ExchangeType exchange in new[] { ExchangeType.IkeAuth, ExchangeType.CreateChildSa, ExchangeType.Informational, ExchangeType.IkeIntermediate })
        {
            Assert.True(MessageRules.IsEncrypted(exchange));
            Assert.All(MessageRules.For(exchange, false)!, r => Assert.True(r.Encrypted));
            Assert.All(MessageRules.For(exchange, true)!, r => Assert.True(r.Encrypted));
        }

        Assert.All(MessageRules.For(ExchangeType.IkeSaInit, false)!, r => Assert.False(r.Encrypted));
    }
}
