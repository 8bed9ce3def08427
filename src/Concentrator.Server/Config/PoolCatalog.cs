using System.Net;

namespace Concentrator.Server.Config;

/// <summary>
/// The address pools of the whole config folder: the named ones of every file's <c>pools { … }</c> block and the
/// connections' inline prefixes. <see cref="Resolve"/> binds each connection's <c>pools</c> list to them and checks
/// what only all files together can show: a pool name declared once, no two pools overlapping (two clients would get
/// one address), and a pool shared only by connections that can share it (the same ipsecN, since its one route can
/// go into one interface only; the same <c>unique</c>, since one lease per identity needs one rule for who wins it).
/// </summary>
public static class PoolCatalog
{
    private const string PrefixExample = "an IPv4 or IPv6 prefix like 10.99.0.0/24";

    /// <summary>The files with every connection's <see cref="ConnectionSettings.AddressPools"/>, <see cref="ConnectionSettings.Pools"/>
    /// (all their prefixes, in order) and <see cref="ConnectionSettings.Dns"/> (its own, else its pools') resolved.</summary>
    public static IReadOnlyList<ConnectionFileSettings> Resolve(IReadOnlyList<ConnectionFileSettings> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var named = new Dictionary<string, PoolSettings>(StringComparer.Ordinal);
        foreach (var pool in files.SelectMany(f => f.Pools))
        {
            if (named.TryGetValue(pool.Name, out var other))
            {
                throw new ConfigException(pool.File, $"{PoolSettings.BlockKey}.{pool.Name}", $"expected a pool name declared once, '{pool.Name}' is also declared in {other.File}");
            }

            named.Add(pool.Name, pool);
        }

        var users = new Dictionary<string, ConnectionSettings>(StringComparer.Ordinal);
        var resolved = files.Select(f => f with { Connections = f.Connections.Select(c => Bind(c, named, users)).ToList() }).ToList();
        CheckOverlaps([.. named.Values, .. resolved.SelectMany(f => f.Connections).SelectMany(c => c.AddressPools).Where(p => p.IsInline)]);
        return resolved;
    }

    /// <summary>Reads a connection's <c>pools</c> list: a name (a letter first) refers to a named pool, anything else
    /// must be a prefix of the connection's inline pool.</summary>
    internal static (IReadOnlyList<IPNetwork> Inline, IReadOnlyList<string> Written) ReadReferences(PrefixedReader r)
    {
        var written = r.StringList(PoolSettings.BlockKey);
        var inline = new List<IPNetwork>();
        for (var i = 0; i < written.Count; i++)
        {
            if (PoolSettings.IsName(written[i].Trim()))
            {
                continue;
            }

            inline.Add(SettingsReader.Prefix(written[i])
                ?? throw r.Error($"{PoolSettings.BlockKey}[{i}]", $"expected {PrefixExample} or the name of a pool of a pools {{ … }} block, got '{written[i]}'"));
        }

        PoolSettings.CheckPrefixes(inline, r, PoolSettings.BlockKey);
        return (inline, written);
    }

    private static ConnectionSettings Bind(ConnectionSettings c, Dictionary<string, PoolSettings> named, Dictionary<string, ConnectionSettings> users)
    {
        var pools = new List<PoolSettings>();
        var inlineAdded = false;
        for (var i = 0; i < c.PoolRefs.Count; i++)
        {
            var text = c.PoolRefs[i].Trim();
            var key = $"{c.Name}.{PoolSettings.BlockKey}[{i}]";
            if (!PoolSettings.IsName(text))
            {
                // The connection's inline prefixes are one pool, at the place of the first of them.
                if (!inlineAdded)
                {
                    pools.AddRange(c.AddressPools.Where(p => p.IsInline));
                    inlineAdded = true;
                }

                continue;
            }

            if (!named.TryGetValue(text, out var pool))
            {
                var known = named.Count == 0 ? "no pools are declared (add a pools { … } block to a connection file)" : "known pools: " + string.Join(", ", named.Keys.Order(StringComparer.Ordinal));
                throw new ConfigException(c.File, key, $"expected the name of a declared pool or a prefix like 10.99.0.0/24, got '{text}': {known}");
            }

            if (pools.Contains(pool))
            {
                throw new ConfigException(c.File, key, $"expected each pool once, '{text}' is named twice");
            }

            if (users.TryGetValue(pool.Name, out var first))
            {
                if (first.IpsecInterface != c.IpsecInterface)
                {
                    throw new ConfigException(c.File, key,
                        $"expected connections sharing pool '{text}' to share their interface: its route can go into one interface only, but connection '{first.Name}' in {first.File} has ipsec-interface = {first.IpsecInterface} and this one {c.IpsecInterface} (declare a pool per interface)");
                }

                if (first.Unique != c.Unique)
                {
                    throw new ConfigException(c.File, key,
                        $"expected connections sharing pool '{text}' to agree on unique (one lease per identity, one rule for who wins it): connection '{first.Name}' in {first.File} has unique = {first.Unique.ToString().ToLowerInvariant()}, this one {c.Unique.ToString().ToLowerInvariant()}");
                }
            }
            else
            {
                users.Add(pool.Name, c);
            }

            pools.Add(pool);
        }

        // A connection's own dns wins; without one its clients get the DNS servers of its pools.
        var dns = c.Dns.Count > 0 ? c.Dns : pools.SelectMany(p => p.Dns).Distinct().ToList();
        return c with { AddressPools = pools, Pools = pools.SelectMany(p => p.Addresses).ToList(), Dns = dns };
    }

    private static void CheckOverlaps(IReadOnlyList<PoolSettings> pools)
    {
        for (var i = 0; i < pools.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                foreach (var (mine, k) in pools[i].Addresses.Select((x, k) => (x, k)))
                {
                    foreach (var theirs in pools[j].Addresses.Where(q => PoolSettings.Overlap(q, mine)))
                    {
                        throw new ConfigException(pools[i].File, $"{pools[i].Key}[{k}]",
                            $"expected a pool of its own, {mine} overlaps {theirs} of {pools[j].Describe} ({pools[j].File}, key '{pools[j].Key}')");
                    }
                }
            }
        }
    }
}
