using Concentrator.Ike.Auth.Eap;

namespace Concentrator.Ike.Sa;

// EAP in IKE_AUTH (RFC 7296 §2.16): the conversation's time limit, and the asynchronous seam where an EAP backend
// answers later (EapStep.Pending → RelayEap effect → the host asks the backend → OnEapReply).
public sealed partial class IkeSaSession
{
    private bool _eapArmed;

    /// <summary>The EAP backend's answer to a <see cref="IkeSaEffect.RelayEap"/>: the held IKE_AUTH response is built
    /// and sent (or the SA fails). An answer nobody waits for any more (the SA timed out, failed) is ignored.</summary>
    public IReadOnlyList<IkeSaEffect> OnEapReply(EapStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Resume(() => _sa.ResumeEap(step), $"an EAP answer no request waits for ({step.GetType().Name})", "the EAP answer");
    }

    /// <summary>The host fetched what a <see cref="IkeSaEffect.RelayEap"/> of a <see cref="Auth.Certificates.RevocationFetchRequest"/>
    /// asked for (into the node's revocation cache): the AUTH check runs again and the held response is sent.</summary>
    public IReadOnlyList<IkeSaEffect> OnRevocationFetched() =>
        Resume(_sa.ResumeVerification, "fetched revocation information no request waits for", "the fetched revocation information");

    private List<IkeSaEffect> Resume(Func<IkeSaResult> resume, string nobodyWaits, string what)
    {
        var fx = new List<IkeSaEffect>();
        if (!_sa.AwaitingEap)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Debug, $"{_sa}: {nobodyWaits}"));
            return fx;
        }

        _added.Clear();
        _removed.Clear();
        IkeSaResult result;
        try
        {
            result = resume();
        }
#pragma warning disable CA1031 // What a backend answered must not kill the host: a bug shows as a counted error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            InternalErrors++;
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Error, $"{_sa}: resuming IKE_AUTH with {what} failed", e));
            Removals(fx);
            _sa.FailEap($"resuming IKE_AUTH with {what} failed");
            fx.Add(IkeSaEffect.Stop.Instance);
            return fx;
        }

        Removals(fx);
        if (result.IsDropped)
        {
            CountDrop(fx, result.Drop, result.Detail);
            return fx;
        }

        if (Eap(fx, result))
        {
            return fx;
        }

        if (result.Detail is { } detail)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Debug, $"{_sa}: {detail}"));
        }

        if (_settings.HandsOver && !_movedIn && !_established && _sa.State == IkeSaState.Established)
        {
            fx.Add(new IkeSaEffect.HandOver(result.Outbound));
            return fx;
        }

        Proceed(fx, result.Outbound);
        return fx;
    }

    /// <summary>After a step: while EAP runs its own timer replaces the half-open one; a held answer is relayed.
    /// True when nothing is to be sent now.</summary>
    private bool Eap(List<IkeSaEffect> fx, IkeSaResult result)
    {
        if (_sa.EapUnderWay && !_eapArmed)
        {
            _eapArmed = true;
            fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.HalfOpen));
            fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Eap, _settings.EapTimeout));
        }
        else if (_eapArmed && !_sa.EapUnderWay)
        {
            _eapArmed = false;
            fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.Eap));
        }

        if (result.EapRelay is { } relay)
        {
            fx.Add(new IkeSaEffect.RelayEap(relay));
            return true;
        }

        return false;
    }

    private void OnEapTimedOut(List<IkeSaEffect> fx)
    {
        _eapArmed = false;
        if (_sa.State != IkeSaState.Connecting)
        {
            return;
        }

        string reason = $"the EAP conversation with '{_sa.Tasks.EapPeer?.ToString() ?? "the peer"}' did not finish within {_settings.EapTimeout}";
        if (_sa.AwaitingEap)
        {
            fx.AddRange(Resume(() => _sa.AnswerEapTimeout(reason), "the EAP timeout while no request waits", "the EAP timeout"));
            return;
        }

        _sa.FailEap(reason);
        fx.Add(new IkeSaEffect.Ending(_sa.ResponderSpi));
        AfterStep(fx);
    }
}
