using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

public sealed class FirstRequestTests
{
    [Fact]
    public void TryRead_WellFormedIkeSaInit_Parsed()
    {
        var request = FirstRequest.TryRead(InitRequests.Bytes(5), out string? problem);

        Assert.Null(problem);
        Assert.Equal(5UL, request!.InitiatorSpi);
    }

    [Fact]
    public void TryRead_Truncated_NullWithReason()
    {
        byte[] whole = InitRequests.Bytes(5);
        byte[] truncated = whole[..60];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(truncated.AsSpan(24), 60);

        Assert.Null(FirstRequest.TryRead(truncated, out string? problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void TryRead_WithoutNonce_Null()
    {
        var message = InitRequests.Message(5);
        message.Payloads.RemoveAll(p => p is NoncePayload);

        Assert.Null(FirstRequest.TryRead(message.ToArray(), out string? problem));
        Assert.Contains("Nonce", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryRead_MessageIdOne_Null()
    {
        var message = InitRequests.Message(5);
        message.MessageId = 1;

        Assert.Null(FirstRequest.TryRead(message.ToArray(), out _));
    }

    [Fact]
    public void CookieResponse_Request_ZeroResponderSpiAndOnlyTheCookie()
    {
        var response = IkeMessage.Parse(CookieGenerator.Response(InitRequests.Parsed(5), [1, 2, 3]));

        Assert.Equal((5UL, 0UL, 0U, IkeHeaderFlags.Response), (response.InitiatorSpi, response.ResponderSpi, response.MessageId, response.Flags));
        var cookie = Assert.IsType<NotifyPayload>(Assert.Single(response.Payloads));
        Assert.Equal(NotifyType.Cookie, cookie.NotifyType);
        Assert.Equal([1, 2, 3], cookie.Data.ToArray());
    }
}
