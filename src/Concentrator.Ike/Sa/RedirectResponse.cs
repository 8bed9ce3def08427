using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>
/// The responder's side of RFC 5685 in IKE_SA_INIT, stateless like a COOKIE answer: whether an IKE_SA_INIT request
/// may be redirected, and the response that does it.
/// </summary>
public static class RedirectResponse
{
    /// <summary>Whether the initiator of <paramref name="request"/> follows redirects (RFC 5685 §8.1: REDIRECT_SUPPORTED,
    /// or REDIRECTED_FROM, which a client sends instead after a redirect) and was not redirected already: a client that
    /// carries REDIRECTED_FROM is never sent on again, so no two gateways can bounce it between them (§7's loop).</summary>
    public static bool MayRedirect(IkeMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.GetNotify(NotifyType.RedirectSupported) is not null && request.GetNotify(NotifyType.RedirectedFrom) is null;
    }

    /// <summary>The gateway that redirected the initiator here (its REDIRECTED_FROM), or null.</summary>
    public static IPAddress? RedirectedFrom(IkeMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.GetNotify(NotifyType.RedirectedFrom) is { } n ? RedirectNotifyData.Parse(n.Data).Address : null;
    }

    /// <summary>RFC 5685 §3 (the IKE_SA_INIT exchange with a redirect): a response with the zero responder SPI (nothing is
    /// created) that carries only N(REDIRECT) with the new gateway's identity; §8.2: its Nonce Data is the initiator's Ni, so the client can
    /// match the REDIRECT to its request.</summary>
    public static byte[] Build(IkeMessage request, IPAddress gateway)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nonce = request.Payloads.OfType<NoncePayload>().FirstOrDefault()?.Data
            ?? ThrowHelper.ThrowInvalidOperation<ReadOnlyMemory<byte>>("an IKE_SA_INIT request without Ni");
        IkeMessage response = request.CreateResponse(senderIsOriginalInitiator: false);
        response.ResponderSpi = 0;
        response.Payloads.Add(new NotifyPayload(NotifyType.Redirect, RedirectNotifyData.For(gateway, nonce).ToArray()));
        return response.ToArray();
    }
}
