namespace Concentrator.Ike.Sa;

// Retransmission of our requests (RFC 7296 §2.1), the half-open limit and dead peer detection (§2.4).
public sealed partial class IkeSaSession
{
    private object? _armedRequest;
    private bool _dpdArmed;

    /// <summary>Attempt n of <paramref name="Request"/> is due (0 = the first retransmission).</summary>
    private sealed record RetransmitAttempt(int Attempt, object Request);

    /// <summary>A timer armed by an <see cref="IkeSaEffect.Arm"/> ran out; <paramref name="token"/> is the one it carried.</summary>
    public IReadOnlyList<IkeSaEffect> OnTimer(IkeSaTimer timer, object? token)
    {
        var fx = new List<IkeSaEffect>();
        switch (timer)
        {
            case IkeSaTimer.HalfOpen:
                OnHalfOpen(fx);
                break;
            case IkeSaTimer.Retransmit:
                OnRetransmit(fx, (RetransmitAttempt)token!);
                break;
            case IkeSaTimer.Dpd:
                _dpdArmed = false;
                OnDpd(fx);
                break;
            case IkeSaTimer.DpdTimeout:
                OnDpdTimedOut(fx, token!);
                break;
            case IkeSaTimer.IkeLifetime:
                OnIkeLifetimeExpired(fx, (ulong)token!);
                break;
            case IkeSaTimer.Retire:
                RetireAllButDeleting(fx);
                break;
            case IkeSaTimer.RetiringRetransmit:
                OnRetiringRetransmit(fx, (RetiringAttempt)token!);
                break;
            case IkeSaTimer.IkeRekey:
                OnIkeRekeyDue(fx, (ulong)token!);
                break;
            case IkeSaTimer.Identity when Waiting == IkeSaWait.Identity:
                fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Warning, $"{_sa}: the identity registry did not answer within {_settings.WaitTimeout}; going on"));
                IdentitySettled(fx);
                break;
            case IkeSaTimer.Redirected:
                OnRedirectFallback(fx);
                break;
            case IkeSaTimer.Eap:
                OnEapTimedOut(fx);
                break;
            case IkeSaTimer.Kernel when Waiting == IkeSaWait.Kernel:
                InstallFailed(fx, $"the kernel did not answer within {_settings.WaitTimeout}");
                break;
        }

        return fx;
    }

    private void ArmRetransmit(List<IkeSaEffect> fx)
    {
        var pending = _sa.PendingRequest;
        if (pending is null)
        {
            fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.Retransmit));
            _armedRequest = null;
            return;
        }

        if (!ReferenceEquals(pending, _armedRequest))
        {
            _armedRequest = pending;
            fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Retransmit, _settings.RetransmitDelay(0), new RetransmitAttempt(0, pending)));
        }
    }

    private void OnRetransmit(List<IkeSaEffect> fx, RetransmitAttempt attempt)
    {
        var pending = _sa.PendingRequest;
        if (pending is null || !ReferenceEquals(pending, attempt.Request))
        {
            return;
        }

        if (attempt.Attempt >= _settings.RetransmitTries)
        {
            // RFC 7296 §2.4: after repeated retransmissions go unanswered the peer is dead, and its IKE SA and
            // CHILD SAs are deleted (locally: nobody is left to tell).
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Warning, $"{_sa}: no answer after {attempt.Attempt} retransmissions, peer is dead"));
            fx.Add(IkeSaEffect.Stop.Instance);
            return;
        }

        // RFC 7296 §2.1: a retransmission repeats the request as it was, octet for octet.
        Retransmissions++;
        Send(fx, pending);
        fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Retransmit, _settings.RetransmitDelay(attempt.Attempt + 1),
            new RetransmitAttempt(attempt.Attempt + 1, pending)));
    }

    private void OnHalfOpen(List<IkeSaEffect> fx)
    {
        if (_sa.State is IkeSaState.Created or IkeSaState.Connecting)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: not established within {_settings.HalfOpenTimeout}, removed"));
            fx.Add(IkeSaEffect.Stop.Instance);
        }
    }

    private void ArmDpd(List<IkeSaEffect> fx, TimeSpan due)
    {
        _dpdArmed = true;
        fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Dpd, due));
    }

    private void OnDpd(List<IkeSaEffect> fx)
    {
        if (_sa.State != IkeSaState.Established)
        {
            return;
        }

        TimeSpan idle = Time.GetElapsedTime(_lastHeard);
        if (idle < _settings.DpdDelay)
        {
            ArmDpd(fx, _settings.DpdDelay - idle);
            return;
        }

        if (_sa.PendingRequest is null)
        {
            // RFC 7296 §2.4: an empty INFORMATIONAL request checks that the peer is alive; its retransmissions
            // running out declares it dead.
            Send(fx, _sa.InitiateDpd().Outbound);
            ArmRetransmit(fx);
            if (_settings.DpdTimeout > TimeSpan.Zero && _sa.PendingRequest is { } check)
            {
                fx.Add(new IkeSaEffect.Arm(IkeSaTimer.DpdTimeout, _settings.DpdTimeout, check));
            }
        }

        ArmDpd(fx, _settings.DpdDelay);
    }

    private void OnDpdTimedOut(List<IkeSaEffect> fx, object request)
    {
        if (!ReferenceEquals(_sa.PendingRequest, request))
        {
            return;
        }

        // RFC 7296 §2.4: a peer that does not answer within the time the operator allows is dead; its IKE SA and
        // CHILD SAs are removed locally, nobody is left to tell.
        fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Warning, $"{_sa}: liveness check unanswered for {_settings.DpdTimeout}, peer is dead"));
        fx.Add(IkeSaEffect.Stop.Instance);
    }
}
