using System.Collections.Concurrent;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Sa;

/// <summary>
/// unique = keep (strongSwan's uniqueids=keep): the first IKE SA of an identity holds it until it ends, and a newer
/// one is refused inside its IKE_AUTH. Thread-safe without a lock: IKE SA actors ask from their own threads, and one
/// atomic add decides between two SAs of the same identity authenticating at once.
/// </summary>
public sealed class KeptIdentities : IIdentityGate
{
    private readonly ConcurrentDictionary<IkeIdentity, ulong> _holders = new();

    /// <summary>Identities held by a live IKE SA.</summary>
    public int Count => _holders.Count;

    public bool TryAdmit(IkeIdentity peer, ulong owner) => _holders.GetOrAdd(peer, owner) == owner;

    public void Leave(IkeIdentity peer, ulong owner) => _holders.TryRemove(new KeyValuePair<IkeIdentity, ulong>(peer, owner));
}
