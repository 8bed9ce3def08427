using Concentrator.Server.Config;

namespace Concentrator.Server.Sa;

/// <summary>What the initiator of one connection does next, as pure state (the actor only carries it out): which of
/// <c>remote.addrs</c> the next attempt goes to (the next one after each failure, round the list), and after an SA ends
/// whether to initiate again and when: a failed attempt is retried with exponential backoff
/// (<see cref="InitiatorSettings.Backoff"/>), an SA the peer deleted follows <c>close-action</c>, one whose peer died
/// <c>dpd-action</c>, one the node ended nothing.</summary>
public sealed class InitiationSchedule(InitiatorSettings settings)
{
    private int _address;

    /// <summary>Consecutive failed attempts (reset once an SA is established).</summary>
    public int Failures { get; private set; }

    /// <summary>The action that started the SA now under way (start or trap): a failure falls back to it.</summary>
    public StartAction Mode { get; private set; } = settings.StartAction;

    /// <summary>The address (or DNS name) the next attempt goes to.</summary>
    public string NextAddress => settings.RemoteAddrs[_address % settings.RemoteAddrs.Count];

    /// <summary>An attempt could not even start (DNS, no route) or the SA it made failed before it was established:
    /// the next address, after the backoff (a trap: the next ACQUIRE after the backoff starts it).</summary>
    public InitiationStep OnFailed()
    {
        Failures++;
        _address++;
        return new InitiationStep(Mode, settings.Backoff(Failures));
    }

    public void OnEstablished() => Failures = 0;

    /// <summary>The SA made by the last attempt ended as <paramref name="end"/>.</summary>
    public InitiationStep OnEnded(InitiatedSaEnd end)
    {
        if (end == InitiatedSaEnd.Failed)
        {
            return OnFailed();
        }

        StartAction next = end switch
        {
            InitiatedSaEnd.Closed => settings.CloseAction,
            InitiatedSaEnd.Dead => settings.DpdAction,
            _ => StartAction.None,
        };
        if (next != StartAction.None)
        {
            Mode = next;
        }

        return new InitiationStep(next, TimeSpan.Zero);
    }
}

/// <summary>Initiate again (<see cref="StartAction.Start"/>) after <paramref name="Delay"/>, wait for traffic
/// (<see cref="StartAction.Trap"/>), or nothing more (<see cref="StartAction.None"/>).</summary>
public sealed record InitiationStep(StartAction Action, TimeSpan Delay);
