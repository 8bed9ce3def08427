using System.Net;
using System.Net.Sockets;

namespace Concentrator.Server.Cluster;

/// <summary>One pool as the block allocator sees it: its lease space (<see cref="Config.PoolSettings.LeaseSpace"/>)
/// and its prefixes, each with the prefix length of its blocks.</summary>
public sealed record PoolLayout(string Space, IReadOnlyList<(IPNetwork Prefix, int BlockPrefix)> Prefixes);

/// <summary>
/// Which node owns which pool block: the cluster singleton's state, pure. A block has at most one owner; a node is
/// granted the lowest free block of the family it asks for (allocate and register in one step), and its blocks are
/// free again only when <see cref="Release"/> is called for it (the allocator calls it once the cluster has removed
/// the node: after a graceful leave, or after the split-brain resolver downed it).
/// </summary>
public sealed class BlockTable
{
    private readonly Dictionary<string, PoolLayout> _layouts;
    private readonly Dictionary<(string Space, IPNetwork Block), string> _owners = [];
    private readonly Dictionary<(string Space, int Prefix), ulong> _next = [];
    private readonly Dictionary<(string Space, int Prefix), SortedSet<ulong>> _freed = [];

    public BlockTable(IEnumerable<PoolLayout> layouts)
    {
        _layouts = layouts.ToDictionary(l => l.Space, StringComparer.Ordinal);
    }

    /// <summary>Every owned block.</summary>
    public IEnumerable<(string Space, IPNetwork Block, string Owner)> Entries => _owners.Select(kv => (kv.Key.Space, kv.Key.Block, kv.Value));

    public bool Knows(string space) => _layouts.ContainsKey(space);

    /// <summary>The blocks of <paramref name="space"/> and <paramref name="family"/> that <paramref name="owner"/> owns.</summary>
    public IReadOnlyList<IPNetwork> OwnedBy(string space, AddressFamily family, string owner) =>
        [.. _owners.Where(kv => kv.Key.Space == space && kv.Key.Block.BaseAddress.AddressFamily == family && kv.Value == owner)
            .Select(kv => kv.Key.Block).OrderBy(b => b.ToString(), StringComparer.Ordinal)];

    /// <summary>A block that was owned before (read back from the replicated state).</summary>
    public void Restore(string space, IPNetwork block, string owner) => _owners[(space, block)] = owner;

    /// <summary>The lowest free block of the family in the pool, now owned by <paramref name="owner"/>; null when every
    /// block of that family is owned (or the pool has none).</summary>
    public IPNetwork? Grant(string space, AddressFamily family, string owner)
    {
        if (!_layouts.TryGetValue(space, out var layout))
        {
            return null;
        }

        for (var p = 0; p < layout.Prefixes.Count; p++)
        {
            var (prefix, blockPrefix) = layout.Prefixes[p];
            if (prefix.BaseAddress.AddressFamily != family)
            {
                continue;
            }

            // Released blocks (below the cursor) first, lowest first; then the next never-granted one.
            var freed = _freed.GetValueOrDefault((space, p));
            while (freed is { Count: > 0 })
            {
                var index = freed.Min;
                freed.Remove(index);
                var block = PoolBlocks.Block(prefix, blockPrefix, index);
                if (_owners.TryAdd((space, block), owner))
                {
                    return block;
                }
            }

            var count = PoolBlocks.Count(prefix, blockPrefix);
            var next = _next.GetValueOrDefault((space, p));
            while (next < count)
            {
                var block = PoolBlocks.Block(prefix, blockPrefix, next++);
                _next[(space, p)] = next;
                if (_owners.TryAdd((space, block), owner))
                {
                    return block;
                }
            }
        }

        return null;
    }

    /// <summary>Frees every block of <paramref name="owner"/>; returns them.</summary>
    public IReadOnlyList<(string Space, IPNetwork Block)> Release(string owner)
    {
        var freed = _owners.Where(kv => kv.Value == owner).Select(kv => kv.Key).ToList();
        foreach (var key in freed)
        {
            _owners.Remove(key);
            var layout = _layouts.GetValueOrDefault(key.Space);
            for (var p = 0; layout is not null && p < layout.Prefixes.Count; p++)
            {
                if (PoolBlocks.IndexOf(layout.Prefixes[p].Prefix, layout.Prefixes[p].BlockPrefix, key.Block) is { } index)
                {
                    if (!_freed.TryGetValue((key.Space, p), out var set))
                    {
                        _freed[(key.Space, p)] = set = [];
                    }

                    set.Add(index);
                }
            }
        }

        return freed;
    }
}
