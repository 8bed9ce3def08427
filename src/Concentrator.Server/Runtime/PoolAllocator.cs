using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Pools;

namespace Concentrator.Server.Runtime;

/// <summary>
/// The IKE layer's synchronous <see cref="IAddressAllocator"/> over the pools of one connection: the pure
/// <see cref="AddressPool"/>s behind one lock (IKE SA actors call it from their own threads; an allocation is a
/// few dictionary operations, so contention stays negligible next to the key exchange that precedes it).
/// </summary>
public sealed class PoolAllocator : IAddressAllocator
{
    private readonly IReadOnlyList<AddressPool> _pools;
    private readonly Lock _lock = new();
    private readonly Action<string>? _log;
    private readonly UniquePolicy _unique;

    public PoolAllocator(IEnumerable<IPNetwork> prefixes, Action<string>? log = null, UniquePolicy unique = UniquePolicy.Replace,
        LeaseJournal? journal = null, string connection = "")
    {
        _pools = prefixes.Select(p => new AddressPool(p)).ToList();
        _log = log;
        _unique = unique;
        if (journal is null)
        {
            return;
        }

        // Identities keep the addresses they had before the restart (offline until they reconnect); a remembered
        // address outside today's pools is forgotten.
        var restored = 0;
        foreach (var (identity, address) in journal.Remembered(connection))
        {
            if (_pools.FirstOrDefault(p => p.Contains(address))?.Restore(identity, address) == true)
            {
                restored++;
            }
        }

        log?.Invoke($"{restored} remembered lease(s) restored from {journal.Path}");
        foreach (var pool in _pools)
        {
            // Called under _lock (from Allocate); one small append per change of an identity's address.
            pool.ClaimChanged = (identity, address) => journal.Record(connection, identity, address);
        }
    }

    public IReadOnlyList<AddressPool> Pools => _pools;

    /// <summary>Leases currently held by live IKE SAs, over all pools.</summary>
    public int Online
    {
        get
        {
            lock (_lock)
            {
                return _pools.Sum(p => p.Online);
            }
        }
    }

    public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim)
    {
        var identity = peer.ToString();
        // unique = replace: the new SA takes the identity's address over, with or without INITIAL_CONTACT (the
        // identity registry deletes the older SA). never: each SA its own address, INITIAL_CONTACT or not.
        reclaim = _unique switch
        {
            UniquePolicy.Replace => true,
            UniquePolicy.Never => false,
            _ => reclaim,
        };
        lock (_lock)
        {
            foreach (var pool in _pools.Where(p => p.Family == family))
            {
                var wanted = requested is not null && pool.Contains(requested) ? requested : null;
                if (pool.Acquire(identity, owner, wanted, reclaim) is { } address)
                {
                    _log?.Invoke($"lease {address} to {identity}");
                    return address;
                }
            }
        }

        _log?.Invoke($"no {family} address left for {identity}");
        return null;
    }

    public void Release(IPAddress address, ulong owner)
    {
        bool released;
        lock (_lock)
        {
            // The owner (the IKE SA's SPI) keys the lease: an older SA of the same identity whose address a newer
            // SA took over (INITIAL_CONTACT) releases nothing when it ends later.
            released = _pools.FirstOrDefault(p => p.Contains(address))?.Release(address, owner) ?? false;
        }

        if (released)
        {
            _log?.Invoke($"released {address}");
        }
    }
}
