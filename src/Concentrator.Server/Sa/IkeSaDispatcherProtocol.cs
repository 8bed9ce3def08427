namespace Concentrator.Server.Sa;

/// <summary>Asks the dispatcher for <see cref="IkeSaDispatcherStats"/>.</summary>
public sealed record GetIkeSaDispatcherStats
{
    public static GetIkeSaDispatcherStats Instance { get; } = new();
}

/// <summary><paramref name="HalfOpen"/>: SAs past no IKE_AUTH yet (what decides cookies); <paramref name="Live"/>:
/// all IKE SA actors the dispatcher started that still run; <paramref name="Created"/>: started since start.</summary>
public sealed record IkeSaDispatcherStats(int HalfOpen, int Live, long Created);
