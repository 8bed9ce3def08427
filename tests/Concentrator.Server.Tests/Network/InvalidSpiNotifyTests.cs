using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Server.Network;

namespace Concentrator.Server.Tests.Network;

public sealed class InvalidSpiNotifyTests
{
    [Fact]
    public void For_InformationalRequestOfInitiator_UnprotectedResponseWithSpisMessageIdAndExchangeCopied()
    {
        var request = Header(IkeHeaderFlags.Initiator);

        var answer = IkeMessage.Parse(InvalidSpiNotify.For(request)!);

        Assert.Equal((0x1111UL, 0x2222UL, ExchangeType.Informational, 7U), (answer.InitiatorSpi, answer.ResponderSpi, answer.ExchangeType, answer.MessageId));
        Assert.Equal(IkeHeaderFlags.Response, answer.Flags);
        var notify = Assert.IsType<NotifyPayload>(Assert.Single(answer.Payloads));
        Assert.Equal(NotifyType.InvalidIkeSpi, notify.NotifyType);
    }

    [Fact]
    public void For_Response_NoAnswer()
    {
        var response = Header(IkeHeaderFlags.Response);

        Assert.Null(InvalidSpiNotify.For(response));
    }

    private static IkeHeader Header(IkeHeaderFlags flags) =>
        new(0x1111, 0x2222, PayloadType.None, 0x20, ExchangeType.Informational, flags, 7, 28);
}
