using Akka.Event;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Sa;

// Retransmission of our requests (RFC 7296 §2.1), the half-open limit and dead peer detection (§2.4).
public sealed partial class IkeSaActor
{
    private const string RetransmitKey = "retransmit";
    private const string HalfOpenKey = "half-open";
    private const string DpdKey = "dpd";
    private const string DpdTimeoutKey = "dpd-timeout";
    private object? _armedRequest;
    private long _lastHeard;
    private int _retransmissions;

    /// <summary>Attempt n of <paramref name="Request"/> is due (0 = the first retransmission).</summary>
    private sealed record RetransmitTick(int Attempt, object Request);

    private sealed record HalfOpenExpired
    {
        public static HalfOpenExpired Instance { get; } = new();
    }

    private sealed record DpdTick
    {
        public static DpdTick Instance { get; } = new();
    }

    /// <summary>The liveness check <paramref name="Request"/> has been out for the whole DPD timeout.</summary>
    private sealed record DpdTimedOut(object Request);

    private void ArmRetransmit()
    {
        var pending = _sa.PendingRequest;
        if (pending is null)
        {
            Timers.Cancel(RetransmitKey);
            _armedRequest = null;
            return;
        }

        if (!ReferenceEquals(pending, _armedRequest))
        {
            _armedRequest = pending;
            Timers.StartSingleTimer(RetransmitKey, new RetransmitTick(0, pending), _settings.Retransmit.Delay(0));
        }
    }

    private void OnRetransmit(RetransmitTick tick)
    {
        var pending = _sa.PendingRequest;
        if (pending is null || !ReferenceEquals(pending, tick.Request))
        {
            return;
        }

        if (tick.Attempt >= _settings.Retransmit.Tries)
        {
            // RFC 7296 §2.4: after repeated retransmissions go unanswered the peer is dead, and its IKE SA and
            // CHILD SAs are deleted (locally: nobody is left to tell).
            _log.Warning("{0}: no answer after {1} retransmissions, peer is dead", _sa, tick.Attempt);
            Context.Stop(Self);
            return;
        }

        // RFC 7296 §2.1: a retransmission repeats the request as it was, octet for octet.
        _retransmissions++;
        Send(pending);
        Timers.StartSingleTimer(RetransmitKey, new RetransmitTick(tick.Attempt + 1, pending), _settings.Retransmit.Delay(tick.Attempt + 1));
    }

    private void OnHalfOpen()
    {
        if (_sa.State is IkeSaState.Created or IkeSaState.Connecting)
        {
            _log.Info("{0}: not established within {1}, removed", _sa, _settings.HalfOpenTimeout);
            Context.Stop(Self);
        }
    }

    private void OnDpd()
    {
        if (_sa.State != IkeSaState.Established)
        {
            return;
        }

        TimeSpan idle = _sa.Services.Time.GetElapsedTime(_lastHeard);
        if (idle < _settings.DpdDelay)
        {
            Timers.StartSingleTimer(DpdKey, DpdTick.Instance, _settings.DpdDelay - idle);
            return;
        }

        if (_sa.PendingRequest is null)
        {
            // RFC 7296 §2.4: an empty INFORMATIONAL request checks that the peer is alive; its retransmissions
            // running out declares it dead.
            Send(_sa.InitiateDpd().Outbound);
            ArmRetransmit();
            if (_settings.DpdTimeout > TimeSpan.Zero && _sa.PendingRequest is { } check)
            {
                Timers.StartSingleTimer(DpdTimeoutKey, new DpdTimedOut(check), _settings.DpdTimeout);
            }
        }

        Timers.StartSingleTimer(DpdKey, DpdTick.Instance, _settings.DpdDelay);
    }

    private void OnDpdTimedOut(DpdTimedOut timedOut)
    {
        if (!ReferenceEquals(_sa.PendingRequest, timedOut.Request))
        {
            return;
        }

        // RFC 7296 §2.4: a peer that does not answer within the time the operator allows is dead; its IKE SA and
        // CHILD SAs are removed locally (PostStop), nobody is left to tell.
        _log.Warning("{0}: liveness check unanswered for {1}, peer is dead", _sa, _settings.DpdTimeout);
        Context.Stop(Self);
    }
}
