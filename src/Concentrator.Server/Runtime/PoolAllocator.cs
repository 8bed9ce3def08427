using System.Net;
using System.Net.Sockets;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Pools;

namespace Concentrator.Server.Runtime;

/// <summary>
/// The IKE layer's synchronous <see cref="IAddressAllocator"/> over one address pool (a named pool, shared by the
/// connections naming it, or a connection's inline prefixes; <see cref="ConnectionAddresses"/> puts a connection's
/// pools together): the pure
/// <see cref="AddressPool"/>s behind one lock (IKE SA actors call it from their own threads; an allocation is a
/// few dictionary operations, so contention stays negligible next to the key exchange that precedes it).
/// A request for a family the connection has no pool of is not a shortage (a dual-stack client asks for both): it is
/// refused with a Debug line. An exhausted pool is a Warning, at most one per family per
/// <see cref="ExhaustionReportInterval"/> with the count of requests refused since the last one, and an Info line
/// when the family has addresses again.
/// </summary>
public sealed class PoolAllocator : IAddressAllocator
{
    /// <summary>Under load every client of an exhausted pool is refused; one line per interval says how many.</summary>
    public static readonly TimeSpan ExhaustionReportInterval = TimeSpan.FromSeconds(10);

    private readonly List<AddressPool> _pools;
    private readonly IReadOnlyList<IPNetwork> _prefixes;
    private readonly List<(string Identity, IPAddress Address)> _remembered = [];
    private readonly LeaseJournal? _journal;
    private readonly string _leaseSpace;
    private int _lowWater;
    private Action<AddressFamily>? _low;
    private readonly Lock _lock = new();
    private readonly Action<LogLevel, string>? _log;
    private readonly UniquePolicy _unique;
    private readonly TimeProvider _time;
    private readonly Dictionary<AddressFamily, Exhaustion> _exhausted = [];

    /// <param name="leaseSpace">The name the pool's leases are kept under in <paramref name="journal"/>
    /// (<see cref="Config.PoolSettings.LeaseSpace"/>).</param>
    /// <param name="clustered">A cluster node's allocator: it starts with no addresses and leases only from the
    /// blocks <see cref="AddBlock"/> gives it (the ones the cluster granted this node).</param>
    public PoolAllocator(IEnumerable<IPNetwork> prefixes, Action<LogLevel, string>? log = null, UniquePolicy unique = UniquePolicy.Replace,
        LeaseJournal? journal = null, string leaseSpace = "", TimeProvider? time = null, bool clustered = false)
    {
        _prefixes = prefixes.ToList();
        _pools = clustered ? [] : _prefixes.Select(p => new AddressPool(p)).ToList();
        _log = log;
        _unique = unique;
        _time = time ?? TimeProvider.System;
        _journal = journal;
        _leaseSpace = leaseSpace;
        LeaseSpace = leaseSpace;
        if (journal is null)
        {
            return;
        }

        // Identities keep the addresses they had before the restart (offline until they reconnect); a remembered
        // address outside today's pools is forgotten. A cluster node restores those of each block it is granted.
        var restored = 0;
        foreach (var (identity, address) in journal.Remembered(leaseSpace))
        {
            if (clustered)
            {
                _remembered.Add((identity, address));
            }
            else if (_pools.FirstOrDefault(p => p.Contains(address))?.Restore(identity, address) == true)
            {
                restored++;
            }
        }

        if (!clustered)
        {
            log?.Invoke(LogLevel.InfoLevel, $"{restored} remembered lease(s) restored from {journal.Path}");
        }

        foreach (var pool in _pools)
        {
            // Called under _lock (from Allocate); one small append per change of an identity's address.
            pool.ClaimChanged = (identity, address) => journal.Record(leaseSpace, identity, address);
        }
    }

    /// <summary>The pool's lease space (<see cref="Config.PoolSettings.LeaseSpace"/>): its name across the cluster.</summary>
    public string LeaseSpace { get; }

    /// <summary>The pool's configured prefixes (all of them, whichever blocks this node owns).</summary>
    public IReadOnlyList<IPNetwork> Prefixes => _prefixes;

    /// <summary>Adds a block the cluster granted this node (a clustered allocator); false when it has it already or the
    /// block is not inside the pool's prefixes.</summary>
    public bool AddBlock(IPNetwork block)
    {
        if (_prefixes.Where(p => p.Contains(block.BaseAddress) && p.PrefixLength <= block.PrefixLength).Select(p => (IPNetwork?)p).FirstOrDefault() is not { } within)
        {
            return false;
        }

        lock (_lock)
        {
            if (_pools.Any(p => p.Prefix.Equals(block)))
            {
                return false;
            }

            var pool = new AddressPool(block, within);
            foreach (var (identity, address) in _remembered.Where(r => pool.Contains(r.Address)))
            {
                pool.Restore(identity, address);
            }

            if (_journal is { } journal)
            {
                var space = _leaseSpace;
                pool.ClaimChanged = (identity, address) => journal.Record(space, identity, address);
            }

            _pools.Add(pool);
            return true;
        }
    }

    /// <summary>A cluster node's hook: called (outside the lock, on the allocating thread) after an allocation of
    /// <paramref name="family"/> left fewer than <paramref name="lowWater"/> addresses of it free, or found none.</summary>
    public void OnLow(int lowWater, Action<AddressFamily> low)
    {
        _lowWater = lowWater;
        _low = low;
    }

    /// <summary>Addresses of <paramref name="family"/> not held by a live SA (remembered offline leases count as free:
    /// they are handed out once nothing else is left).</summary>
    public ulong Free(AddressFamily family)
    {
        lock (_lock)
        {
            return FreeUnlocked(family);
        }
    }

    private ulong FreeUnlocked(AddressFamily family)
    {
        ulong free = 0;
        foreach (var p in _pools)
        {
            if (p.Family == family)
            {
                free += p.Size - (ulong)p.Online;
            }
        }

        return free;
    }

    /// <summary>The blocks (a clustered allocator) or prefixes the allocator leases from now.</summary>
    public IReadOnlyList<IPNetwork> Blocks
    {
        get
        {
            lock (_lock)
            {
                return [.. _pools.Select(p => p.Prefix)];
            }
        }
    }

    /// <summary>The <c>unique</c> policy of the connections drawing from it.</summary>
    public UniquePolicy Unique => _unique;

    /// <summary>Whether the pool has prefixes of <paramref name="family"/>.</summary>
    public bool Serves(AddressFamily family) => _prefixes.Any(p => p.BaseAddress.AddressFamily == family);

    /// <summary>Whether <paramref name="address"/> is in the pool's prefixes.</summary>
    public bool Contains(IPAddress address) => _prefixes.Any(p => p.Contains(address));

    /// <summary>Whether the pool remembers an address for <paramref name="peer"/> (held or offline).</summary>
    public bool Remembers(IkeIdentity peer)
    {
        var identity = peer.ToString();
        lock (_lock)
        {
            return _pools.Any(p => p.LeaseOf(identity) is not null);
        }
    }

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

    /// <summary>Each pool's prefix, size, leases held by live IKE SAs and addresses remembered for an identity, read
    /// under the allocator's lock (for the management API).</summary>
    public IReadOnlyList<(IPNetwork Prefix, ulong Size, int Leased, int Remembered)> Snapshot()
    {
        lock (_lock)
        {
            return [.. _pools.Select(p => (p.Prefix, p.Size, p.Online, p.Used))];
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
        string? report = null;
        var level = LogLevel.WarningLevel;
        IPAddress? leased = null;
        var low = false;
        lock (_lock)
        {
            var any = false;
            foreach (var pool in _pools.Where(p => p.Family == family))
            {
                any = true;
                var wanted = requested is not null && pool.Contains(requested) ? requested : null;
                if (pool.Acquire(identity, owner, wanted, reclaim) is { } address)
                {
                    if (_exhausted.Remove(family, out var over))
                    {
                        _log?.Invoke(LogLevel.InfoLevel, $"{family} addresses available again; {over.Refused} request(s) refused while the pool was exhausted");
                    }

                    _log?.Invoke(LogLevel.InfoLevel, $"lease {address} to {identity}");
                    leased = address;
                    break;
                }
            }

            low = _low is not null && FreeUnlocked(family) < (ulong)_lowWater;
            if (leased is null)
            {
                // A cluster node without a block of the family yet is out of addresses, not without a pool.
                if (!any && !Serves(family))
                {
                    level = LogLevel.DebugLevel;
                    report = $"no {family} pool: {identity} gets no {family} address";
                }
                else
                {
                    report = Refused(family, identity);
                }
            }
        }

        if (report is not null)
        {
            _log?.Invoke(level, report);
        }

        if (low)
        {
            _low!(family);
        }

        return leased;
    }

    // Called under _lock: the line to log for this refusal, or null while the last report is recent.
    private string? Refused(AddressFamily family, string identity)
    {
        var now = _time.GetUtcNow();
        var prefixes = string.Join(", ", _pools.Where(p => p.Family == family).Select(p => p.Prefix));
        if (!_exhausted.TryGetValue(family, out var e))
        {
            _exhausted[family] = new Exhaustion { Reported = now, Refused = 1 };
            return $"no {family} address left for {identity}: {prefixes} exhausted";
        }

        e.Refused++;
        e.Unreported++;
        if (now - e.Reported < ExhaustionReportInterval)
        {
            return null;
        }

        var line = $"no {family} address left: {prefixes} exhausted, {e.Unreported} request(s) refused in the last {(now - e.Reported).TotalSeconds:F0} s (latest {identity})";
        e.Reported = now;
        e.Unreported = 0;
        return line;
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
            _log?.Invoke(LogLevel.InfoLevel, $"released {address}");
        }
    }

    private sealed class Exhaustion
    {
        public DateTimeOffset Reported;
        public int Refused;
        public int Unreported;
    }
}
