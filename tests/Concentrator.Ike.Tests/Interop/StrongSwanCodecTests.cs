using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Interop;

/// <summary>Ring (a): every message strongSwan 5.9.8 sent in the captured scenarios (IKE_SA_INIT, IKE_AUTH over
/// 4500, CREATE_CHILD_SA rekey, INFORMATIONAL deletes) parses and writes back to the same octets.</summary>
public sealed class StrongSwanCodecTests
{
    public static TheoryData<string> Scenarios => StrongSwanScenario.ScenarioData();

    public static TheoryData<string, string> Messages => StrongSwanScenario.MessageData(encryptedOnly: false);

    [Theory]
    [MemberData(nameof(Messages))]
    public void Parse_StrongSwanMessage_ReserialisesByteIdentical(string scenario, string file)
    {
        CapturedMessage captured = StrongSwanScenario.Load(scenario).Message(file);

        IkeMessage message = IkeMessage.Parse(captured.Bytes);

        Assert.Equal(Convert.ToHexString(captured.Bytes), Convert.ToHexString(message.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Parse_StrongSwanMessage_HeaderMatchesCaptureRecord(string scenario, string file)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        CapturedMessage captured = s.Message(file);

        IkeMessage message = IkeMessage.Parse(captured.Bytes);

        Assert.Equal(captured.Exchange.Replace("_", "", StringComparison.Ordinal),
            message.ExchangeType.ToString().ToLowerInvariant());
        Assert.Equal(captured.IsResponse, message.IsResponse);
        Assert.Equal(captured.FromInitiator, message.IsFromInitiator);
        Assert.Equal(captured.MessageId, message.MessageId);
        Assert.Equal(Convert.ToHexString(s.SpiI), message.InitiatorSpi.ToString("X16", System.Globalization.CultureInfo.InvariantCulture));
        if (message.ExchangeType != ExchangeType.IkeSaInit || message.IsResponse)
        {
            Assert.Equal(Convert.ToHexString(s.SpiR), message.ResponderSpi.ToString("X16", System.Globalization.CultureInfo.InvariantCulture));
        }

        // kernel-libipsec fakes NAT, so strongSwan moves to 4500 after IKE_SA_INIT and prefixes the non-ESP marker.
        Assert.Equal(message.ExchangeType != ExchangeType.IkeSaInit, captured.NonEspMarkerStripped);
        Assert.Equal(message.ExchangeType == ExchangeType.IkeSaInit ? 500 : 4500, captured.DestinationPort);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Parse_IkeSaInit_PayloadsInStrongSwansOrder(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        foreach (CapturedMessage captured in new[] { s.InitRequest, s.InitResponse })
        {
            IkeMessage message = IkeMessage.Parse(captured.Bytes);

            Assert.Equal(StrongSwanSuite.SummaryTypes(captured.StrongSwanPayloads!), message.Payloads.Select(p => p.Type));
            MessageRules.Validate(message);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Parse_IkeSaInit_NoncesAndKeyExchangeMatchLoggedValues(string scenario)
    {
        StrongSwanScenario s = StrongSwanScenario.Load(scenario);
        IkeMessage request = IkeMessage.Parse(s.InitRequest.Bytes);
        IkeMessage response = IkeMessage.Parse(s.InitResponse.Bytes);

        Assert.Equal(s.NonceI, request.Get<NoncePayload>()!.Data.ToArray());
        Assert.Equal(s.NonceR, response.Get<NoncePayload>()!.Data.ToArray());
        Assert.Equal(s.DhGroup, request.Get<KePayload>()!.Group);
        Assert.Equal(s.DhGroup, response.Get<KePayload>()!.Group);
        Assert.Equal(s.KeI, request.Get<KePayload>()!.Data.ToArray());
        Assert.Equal(s.KeR, response.Get<KePayload>()!.Data.ToArray());
        Assert.Equal(0UL, request.ResponderSpi);
    }
}
