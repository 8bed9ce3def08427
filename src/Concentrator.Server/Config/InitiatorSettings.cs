namespace Concentrator.Server.Config;

/// <summary>What the gateway does by itself for a connection (strongSwan's <c>start_action</c>, <c>close_action</c>,
/// <c>dpd_action</c> of swanctl.conf; libreswan's <c>auto=</c>).</summary>
public enum StartAction
{
    /// <summary>Respond only: the peer initiates (the default; strongSwan's <c>none</c>, libreswan's <c>auto=add</c>).</summary>
    None,

    /// <summary>Install the connection's policies and initiate when traffic needs them (the kernel's XFRM ACQUIRE; on
    /// the userspace dataplane the first packet routed into the connection's interface).</summary>
    Trap,

    /// <summary>Initiate at once and keep the SA up: retry with backoff, initiate again when it goes.</summary>
    Start,
}

/// <summary>A connection's initiator role: the peer's addresses (or DNS names, tried in order), what starts an IKE SA
/// and what happens when it ends, and the backoff between failed attempts (<see cref="RetryDelay"/> doubling up to
/// <see cref="RetryMaxDelay"/>).</summary>
/// <param name="RemoteAddrs"><c>remote.addrs</c>: where the gateway initiates to, each tried in turn.</param>
/// <param name="StartAction"><c>start-action</c>.</param>
/// <param name="CloseAction"><c>close-action</c>: after the peer deletes the IKE SA (or its CHILD SA).</param>
/// <param name="DpdAction"><c>dpd-action</c>: after the peer is found dead (DPD or unanswered retransmissions).</param>
/// <param name="RetryDelay"><c>retry.delay</c>: the wait after the first failed attempt.</param>
/// <param name="RetryMaxDelay"><c>retry.max-delay</c>: the cap of the doubling wait.</param>
public sealed record InitiatorSettings(
    IReadOnlyList<string> RemoteAddrs,
    StartAction StartAction,
    StartAction CloseAction,
    StartAction DpdAction,
    TimeSpan RetryDelay,
    TimeSpan RetryMaxDelay)
{
    /// <summary>Respond only, the reference defaults.</summary>
    public static InitiatorSettings Responder { get; } =
        new([], StartAction.None, StartAction.None, StartAction.None, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5));

    /// <summary>Whether the gateway ever initiates this connection.</summary>
    public bool Initiates => StartAction != StartAction.None;

    /// <summary>The wait before attempt <paramref name="failures"/> + 1 after that many consecutive failures:
    /// <see cref="RetryDelay"/> × 2^(failures − 1), at most <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan Backoff(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        double factor = Math.Pow(2, Math.Min(failures - 1, 30));
        double ticks = Math.Min(RetryDelay.Ticks * factor, RetryMaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    internal static InitiatorSettings Read(PrefixedReader r, IReadOnlyList<string> remoteAddrs)
    {
        for (int i = 0; i < remoteAddrs.Count; i++)
        {
            string a = remoteAddrs[i];
            if (a.Length == 0 || a.Contains(' ', StringComparison.Ordinal) || a.Contains('/', StringComparison.Ordinal) || a == "%any")
            {
                throw r.Error($"remote.addrs[{i}]", $"expected an IP address or a DNS name of the peer, got '{a}'");
            }
        }

        var start = Action(r, "start-action", "none, trap or start");
        var close = Action(r, "close-action", "none, trap or start");
        var dpd = Action(r, "dpd-action", "none (clear), trap or restart");
        var delay = r.PositiveDuration("retry.delay");
        var max = r.PositiveDuration("retry.max-delay");
        if (max < delay)
        {
            throw r.Error("retry.max-delay", $"expected at least retry.delay ({delay}), got {max}");
        }

        if (start != StartAction.None && remoteAddrs.Count == 0)
        {
            throw r.Error("remote.addrs", $"expected the peer's address or DNS name: start-action = {start.ToString().ToLowerInvariant()} initiates to it");
        }

        if ((close != StartAction.None || dpd != StartAction.None) && remoteAddrs.Count == 0)
        {
            throw r.Error("remote.addrs", "expected the peer's address or DNS name: close-action/dpd-action initiate to it again");
        }

        return new InitiatorSettings(remoteAddrs, start, close, dpd, delay, max);
    }

    private static StartAction Action(PrefixedReader r, string key, string expected)
    {
        string text = r.String(key);
        return text.ToLowerInvariant() switch
        {
            "none" or "clear" => StartAction.None,
            "trap" => StartAction.Trap,
            "start" or "restart" => StartAction.Start,
            _ => throw r.Error(key, $"expected {expected}, got '{text}'"),
        };
    }
}
