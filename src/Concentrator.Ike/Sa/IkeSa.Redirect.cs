using System.Net;

namespace Concentrator.Ike.Sa;

// RFC 5685 on an IKE SA with keys: REDIRECT in IKE_AUTH (§6) and in an INFORMATIONAL of an established SA (§5).
public sealed partial class IkeSa
{
    /// <summary>Responder: the initiator announced REDIRECT_SUPPORTED in IKE_SA_INIT and carried no REDIRECTED_FROM
    /// (<see cref="RedirectResponse.MayRedirect"/>), so it may be sent elsewhere (§5, §6); the loop rule of §7 holds
    /// because a redirected client is never redirected again.</summary>
    public bool PeerFollowsRedirects { get; internal set; }

    /// <summary>The gateway this SA's peer was sent to (we sent REDIRECT) or told to go to (we received it), or null.
    /// An SA with a redirect carries no CHILD SA made in IKE_AUTH and is deleted: by the client, which RFC 5685 §6 and
    /// §5 make responsible, or by the gateway after <see cref="IkeSaSessionSettings"/>' half-open timeout if it does not.</summary>
    public IPAddress? RedirectedTo { get; internal set; }

    /// <summary>Responder: the REDIRECT of IKE_AUTH is due: a gateway was handed in (<see cref="IkeSaServices.RedirectInAuth"/>)
    /// and the peer follows redirects.</summary>
    internal IPAddress? RedirectDueInAuth => !IsInitiator && PeerFollowsRedirects ? Services.RedirectInAuth : null;

    /// <summary>Gateway: sends N(REDIRECT, <paramref name="gateway"/>) in an INFORMATIONAL request (RFC 5685 §5).</summary>
    public IkeSaResult InitiateRedirect(IPAddress gateway) => QueueInformational(Concentrator.Ike.Sa.Tasks.IkeRedirectTask.Informational(this, gateway));
}
