namespace Concentrator.Ike.Sa;

/// <summary>Decides, inside IKE_AUTH, whether an authenticated peer may have another IKE SA (strongSwan's
/// uniqueids=keep): a refusal is answered in the IKE_AUTH response itself, not after a success was built.
/// Synchronous on purpose, like <see cref="IAddressAllocator"/>: the state machine never waits.</summary>
public interface IIdentityGate
{
    /// <summary>True when the IKE SA <paramref name="owner"/> (its <see cref="IkeSa.LeaseOwner"/>) may hold
    /// <paramref name="peer"/>: no other live IKE SA holds it. It then holds it until <see cref="Leave"/>.</summary>
    bool TryAdmit(IkeIdentity peer, ulong owner);

    /// <summary>The IKE SA <paramref name="owner"/> ended; a no-op unless it holds <paramref name="peer"/>.</summary>
    void Leave(IkeIdentity peer, ulong owner);
}
