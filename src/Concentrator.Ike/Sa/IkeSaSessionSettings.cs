namespace Concentrator.Ike.Sa;

/// <summary>The timers and choices of one <see cref="IkeSaSession"/> (the actor layer fills them from its settings).</summary>
/// <param name="RetransmitDelay">The wait before retransmission n of a request (0 = first).</param>
/// <param name="RetransmitTries">After this many unanswered retransmissions the peer is dead.</param>
/// <param name="HalfOpenTimeout">An SA not established within this long stops; also the grace period of a rekeyed
/// SA's old one.</param>
/// <param name="DpdDelay">A liveness check after this long without a message from the peer; zero: none.</param>
/// <param name="DpdTimeout">A liveness check unanswered this long declares the peer dead; zero: only the retransmissions.</param>
/// <param name="IkeLifetime">We rekey the IKE SA at this less up to 10% (jitter); one not rekeyed by either end within
/// this plus 10% is deleted; zero: no limit.</param>
/// <param name="WaitTimeout">How long the kernel install or the identity registry may take.</param>
/// <param name="ReqidAllocator">The reqid of each new CHILD SA (a rekey's takes the one it replaces).</param>
public sealed record IkeSaSessionSettings(
    Func<int, TimeSpan> RetransmitDelay,
    int RetransmitTries,
    TimeSpan HalfOpenTimeout,
    TimeSpan DpdDelay,
    TimeSpan DpdTimeout,
    TimeSpan IkeLifetime,
    TimeSpan WaitTimeout,
    Func<uint> ReqidAllocator)
{
    /// <summary>Established SAs claim their identity (and hold their answer until it is granted).</summary>
    public bool ClaimsIdentity { get; init; }

    /// <summary>Once established the SA moves to a home of its own (<see cref="IkeSaEffect.HandOver"/>).</summary>
    public bool HandsOver { get; init; }

    /// <summary>An EAP conversation in IKE_AUTH not finished within this long fails the SA (instead of the half-open
    /// limit, which it replaces once EAP starts).</summary>
    public TimeSpan EapTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
