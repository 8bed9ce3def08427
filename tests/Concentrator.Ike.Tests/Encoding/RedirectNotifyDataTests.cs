using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Encoding;

public sealed class RedirectNotifyDataTests
{
    [Fact]
    public void ToArray_Ipv4GatewayWithNonce_RfcLayout()
    {
        byte[] nonce = SampleMessages.Bytes(16, 7);

        byte[] data = RedirectNotifyData.For(IPAddress.Parse("192.0.2.12"), nonce).ToArray();

        // GW Ident Type 1 (IPv4), GW Ident Len 4, the address, then the Nonce Data (RFC 5685 §8.2).
        Assert.Equal("0104C000020C" + Convert.ToHexString(nonce), Convert.ToHexString(data));
        var parsed = RedirectNotifyData.Parse(data);
        Assert.Equal(IPAddress.Parse("192.0.2.12"), parsed.Address);
        Assert.Equal(nonce, parsed.Nonce.ToArray());
    }

    [Fact]
    public void Parse_Ipv6RedirectedFromWithoutNonce_AddressAndNoNonce()
    {
        byte[] data = Convert.FromHexString("021020010DB8000000000000000000000001");

        var parsed = RedirectNotifyData.Parse(data);

        Assert.Equal(GatewayIdentityType.Ipv6, parsed.IdentityType);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), parsed.Address);
        Assert.True(parsed.Nonce.IsEmpty);
        Assert.Equal(data, parsed.ToArray());
    }

    [Fact]
    public void Parse_Fqdn_KeptAsTextWithoutAddress()
    {
        var parsed = RedirectNotifyData.Parse(Convert.FromHexString("030B" + Convert.ToHexString("gw2.example"u8)));

        Assert.Equal(GatewayIdentityType.Fqdn, parsed.IdentityType);
        Assert.Null(parsed.Address);
        Assert.Equal("gw2.example", System.Text.Encoding.ASCII.GetString(parsed.Identity.Span));
    }

    [Theory]
    [InlineData("0105C000020C00")]          // IPv4 identity of 5 octets
    [InlineData("0104C000")]                // truncated identity
    [InlineData("0904C000020C")]            // unknown identity type
    [InlineData("0300")]                    // empty FQDN
    [InlineData("0104C000020C0102")]        // nonce data of 2 octets
    [InlineData("01")]                      // no length
    public void Parse_Malformed_InvalidSyntax(string hex)
    {
        var e = Assert.Throws<IkeProtocolException>(() => RedirectNotifyData.Parse(Convert.FromHexString(hex)));
        Assert.Equal(NotifyType.InvalidSyntax, e.Notify);
    }

    [Fact]
    public void MayRedirect_SupportedOrAlreadyRedirected_OnlyAFirstTimeSupporter()
    {
        IkeMessage plain = SampleMessages.IkeSaInitRequest();
        IkeMessage supported = SampleMessages.IkeSaInitRequest();
        supported.Payloads.Add(new NotifyPayload(NotifyType.RedirectSupported));
        IkeMessage redirected = SampleMessages.IkeSaInitRequest();
        redirected.Payloads.Add(new NotifyPayload(NotifyType.RedirectedFrom, RedirectNotifyData.For(IPAddress.Parse("192.0.2.11")).ToArray()));

        Assert.False(RedirectResponse.MayRedirect(plain));
        Assert.True(RedirectResponse.MayRedirect(supported));
        // After a redirect a client sends REDIRECTED_FROM (RFC 5685 §8.3) instead: never redirected again (no loop, §7).
        Assert.False(RedirectResponse.MayRedirect(redirected));
        Assert.Equal(IPAddress.Parse("192.0.2.11"), RedirectResponse.RedirectedFrom(redirected));
        Assert.Null(RedirectResponse.RedirectedFrom(supported));
    }

    [Fact]
    public void Build_InitRequest_ResponseWithZeroResponderSpiAndRedirectCarryingNi()
    {
        IkeMessage request = SampleMessages.IkeSaInitRequest();
        request.Payloads.Add(new NotifyPayload(NotifyType.RedirectSupported));

        IkeMessage response = IkeMessage.Parse(RedirectResponse.Build(request, IPAddress.Parse("192.0.2.13")));

        Assert.True(response.IsResponse);
        Assert.Equal(ExchangeType.IkeSaInit, response.ExchangeType);
        Assert.Equal(request.InitiatorSpi, response.InitiatorSpi);
        Assert.Equal(0ul, response.ResponderSpi);
        var notify = Assert.IsType<NotifyPayload>(Assert.Single(response.Payloads));
        Assert.Equal(NotifyType.Redirect, notify.NotifyType);
        var data = RedirectNotifyData.Parse(notify.Data);
        Assert.Equal(IPAddress.Parse("192.0.2.13"), data.Address);
        Assert.Equal(request.Get<NoncePayload>()!.Data.ToArray(), data.Nonce.ToArray());
    }
}
