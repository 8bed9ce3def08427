using System.Net;

namespace Concentrator.Ike.Sa;

// RFC 5685 on the gateway: a client sent elsewhere in IKE_AUTH (§6) or from an established SA (§5) deletes the old
// IKE SA itself; the gateway deletes it after the half-open timeout if it does not (as strongSwan's ike_redirect.c).
public sealed partial class IkeSaSession
{
    private bool _redirectArmed;

    /// <summary><c>drain --established</c>: sends N(REDIRECT) to <paramref name="gateway"/> in an INFORMATIONAL (§5) if
    /// this SA is established and its client announced REDIRECT_SUPPORTED; false (nothing sent) otherwise.</summary>
    public IReadOnlyList<IkeSaEffect> OnRedirect(IPAddress gateway, out bool sent)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var fx = new List<IkeSaEffect>();
        sent = _sa.State == IkeSaState.Established && _sa.PeerFollowsRedirects && _sa.RedirectedTo is null;
        if (sent)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: redirecting the client to {gateway}"));
            Send(fx, _sa.InitiateRedirect(gateway).Outbound);
            ArmRedirectFallback(fx, inIkeAuth: false);
            AfterStep(fx);
        }

        return fx;
    }

    // Once per SA, when its REDIRECT goes out: in IKE_AUTH (§6) unless drain --established sent it (§5, OnRedirect).
    private void ArmRedirectFallback(List<IkeSaEffect> fx, bool inIkeAuth = true)
    {
        if (_redirectArmed || _sa.RedirectedTo is not { } gateway || _sa.IsInitiator)
        {
            return;
        }

        _redirectArmed = true;
        fx.Add(new IkeSaEffect.Redirected(_sa.ToString(), _sa.RemoteIdentity?.ToString() ?? "-", gateway, inIkeAuth));
        fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Redirected, _settings.HalfOpenTimeout));
    }

    private void OnRedirectFallback(List<IkeSaEffect> fx)
    {
        if (_sa.State == IkeSaState.Established)
        {
            Delete(fx, $"the client redirected to {_sa.RedirectedTo} did not delete this IKE SA", silently: false);
        }
    }
}
