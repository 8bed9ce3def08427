using Akka.Event;
using Concentrator.Server.Config;
using Concentrator.Server.Pools;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Runtime;

/// <summary>
/// Builds each pool's <see cref="PoolAllocator"/> once (allocate and register in one step: a pool named by several
/// connections is one allocator, one lease per identity, one lease space in the journal) and each connection's
/// <see cref="ConnectionAddresses"/> over them; for <c>unique = keep</c> also the gate of who holds an identity, shared
/// the same way (one lease per identity in a pool means one holder, whichever connection it came through).
/// </summary>
/// <param name="clustered">A cluster node's: every allocator leases only from the blocks the cluster grants it.</param>
public sealed class PoolAllocators(LeaseJournal? journal, Action<LogLevel, string, string>? log = null, bool clustered = false)
{
    private readonly Dictionary<string, PoolAllocator> _byLeaseSpace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeptIdentities> _keptByLeaseSpace = new(StringComparer.Ordinal);

    /// <summary>The allocators built so far, one per pool.</summary>
    public IReadOnlyCollection<PoolAllocator> All => _byLeaseSpace.Values;

    /// <summary>The connection's pools, in its order, each built on first use. Connections sharing a pool agree on
    /// <c>unique</c> (checked by <see cref="PoolCatalog.Resolve"/>), so the first one's is the pool's.</summary>
    public ConnectionAddresses For(ConnectionSettings connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new ConnectionAddresses(connection.AddressPools.Select(pool =>
        {
            if (!_byLeaseSpace.TryGetValue(pool.LeaseSpace, out var allocator))
            {
                var name = pool.IsInline ? pool.Name : pool.LeaseSpace;
                allocator = new PoolAllocator(pool.Addresses, log is null ? null : (level, line) => log(level, name, line), connection.Unique, journal, pool.LeaseSpace, clustered: clustered);
                _byLeaseSpace.Add(pool.LeaseSpace, allocator);
            }

            return allocator;
        }).ToList());
    }

    /// <summary>unique = keep: the connection's gate, the one of a connection that shares a pool with it if there is
    /// one (its identity keeps its first SA across both); null for the other policies (replace is the identity
    /// registry's, node-wide).</summary>
    public KeptIdentities? KeepGateFor(ConnectionSettings connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Unique != UniquePolicy.Keep)
        {
            return null;
        }

        var gate = connection.AddressPools.Select(p => _keptByLeaseSpace.GetValueOrDefault(p.LeaseSpace)).FirstOrDefault(g => g is not null) ?? new KeptIdentities();
        foreach (var pool in connection.AddressPools)
        {
            _keptByLeaseSpace.TryAdd(pool.LeaseSpace, gate);
        }

        return gate;
    }

    /// <summary>A reload: the pools of <paramref name="connections"/> whose prefixes or <c>unique</c> differ from the
    /// allocator built for them are built anew on their next use, unless addresses of theirs are leased (the live SAs
    /// keep them; a new allocator over the same addresses would hand them out twice): that is refused here, before
    /// anything changed.</summary>
    public void Rebind(IReadOnlyList<ConnectionSettings> connections) => Forget(StaleFor(connections));

    /// <summary>The lease spaces <see cref="Rebind"/> would build anew, nothing changed yet (so a reload can check its
    /// pools before it touches the kernel and forget them only once the rest applied); the same refusal.</summary>
    public IReadOnlyList<string> StaleFor(IReadOnlyList<ConnectionSettings> connections)
    {
        ArgumentNullException.ThrowIfNull(connections);
        var stale = new List<string>();
        foreach (var connection in connections)
        {
            foreach (var pool in connection.AddressPools)
            {
                if (!_byLeaseSpace.TryGetValue(pool.LeaseSpace, out var allocator) || stale.Contains(pool.LeaseSpace)
                    || (allocator.Unique == connection.Unique && allocator.Prefixes.SequenceEqual(pool.Addresses)))
                {
                    continue;
                }

                if (allocator.Online > 0)
                {
                    throw new ConfigException(pool.File, pool.IsInline ? connection.Name + ".pools" : pool.Key,
                        $"expected {pool.Describe} to keep its addresses and unique while {allocator.Online} of them are leased " +
                        $"({string.Join(", ", allocator.Prefixes)}, unique = {allocator.Unique.ToString().ToLowerInvariant()}): " +
                        "terminate its IKE SAs first (concentrator terminate --connection …) or restart");
                }

                stale.Add(pool.LeaseSpace);
            }
        }

        return stale;
    }

    /// <summary>Drops the allocators of <paramref name="stale"/> (from <see cref="StaleFor"/>); each is built anew on its next use.</summary>
    public void Forget(IReadOnlyList<string> stale)
    {
        ArgumentNullException.ThrowIfNull(stale);
        foreach (var leaseSpace in stale)
        {
            _byLeaseSpace.Remove(leaseSpace);
            _keptByLeaseSpace.Remove(leaseSpace);
        }
    }
}
