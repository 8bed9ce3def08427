using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Runtime;

/// <summary>
/// The <see cref="IAddressAllocator"/> of one connection: its pools' allocators in the order its <c>pools</c> list
/// names them, the first with an address of the family wins. A named pool's <see cref="PoolAllocator"/> is shared by
/// every connection naming it, so an identity has one lease in it whichever of them it came through.
/// </summary>
public sealed class ConnectionAddresses(IReadOnlyList<PoolAllocator> pools) : IAddressAllocator
{
    /// <summary>The allocators of the connection's pools, in order (shared with other connections naming the same pool).</summary>
    public IReadOnlyList<PoolAllocator> Pools { get; } = pools;

    /// <summary>Leases held by live IKE SAs in the connection's pools (of every connection sharing them).</summary>
    public int Online => Pools.Sum(p => p.Online);

    public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim)
    {
        var serving = Pools.Where(p => p.Serves(family)).ToList();
        if (serving.Count == 0)
        {
            // The first pool says (at Debug) that the family has no pool; without pools there is nothing to say.
            return Pools.Count > 0 ? Pools[0].Allocate(peer, family, requested, owner, reclaim) : null;
        }

        // The identity's remembered address, or the requested one, wherever it is; else the first pool with room.
        var own = serving.FirstOrDefault(p => p.Remembers(peer) || (requested is not null && p.Contains(requested)));
        if (own?.Allocate(peer, family, requested, owner, reclaim) is { } kept)
        {
            return kept;
        }

        foreach (var pool in serving.Where(p => p != own))
        {
            if (pool.Allocate(peer, family, requested, owner, reclaim) is { } address)
            {
                return address;
            }
        }

        return null;
    }

    public void Release(IPAddress address, ulong owner) => Pools.FirstOrDefault(p => p.Contains(address))?.Release(address, owner);
}
