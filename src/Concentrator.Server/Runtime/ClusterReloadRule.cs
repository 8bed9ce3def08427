using Concentrator.Server.Config;
using Concentrator.Server.Interfaces;

namespace Concentrator.Server.Runtime;

/// <summary>
/// What a reload may change on a cluster node. Its pool machinery is built once at start from the pools and interfaces
/// it serves (ClusterNode.Start): the block allocator's layout of every pool, the pool allocators that lease only from
/// the blocks granted to this node, the interface actors that route each pool's blocks, the interfaces whose SAs the
/// load gossip counts. So a reload may change anything else of a connection (proposals, identities and auth, lifetimes,
/// DPD, DNS, selectors, …), add one or remove one, as long as the same pools, with the same addresses and
/// <c>unique</c>, are served through the same ipsecN devices: otherwise it is refused naming the key.
/// </summary>
public static class ClusterReloadRule
{
    /// <summary>Throws a <see cref="ConfigException"/> naming the first connection key that would change the node's
    /// pools or interfaces; <paramref name="current"/> is what the node serves, <paramref name="next"/> the new set.</summary>
    public static void Check(IReadOnlyList<ConnectionSettings> current, IReadOnlyList<ConnectionSettings> next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var before = current.SelectMany(Layout).Select(l => l.Entry).ToHashSet(StringComparer.Ordinal);
        var after = next.SelectMany(Layout).Select(l => l.Entry).ToHashSet(StringComparer.Ordinal);
        foreach (var connection in next)
        {
            foreach (var (entry, key) in Layout(connection).Where(l => !before.Contains(l.Entry)))
            {
                throw new ConfigException(connection.File, connection.Name + "." + key,
                    $"expected only pools and interfaces this cluster node serves already, found {entry}: {Why}");
            }
        }

        foreach (var connection in current)
        {
            foreach (var (entry, key) in Layout(connection).Where(l => !after.Contains(l.Entry)))
            {
                var changed = next.FirstOrDefault(c => c.Name == connection.Name);
                throw new ConfigException(changed?.File ?? connection.File, changed is null ? connection.Name : connection.Name + "." + key,
                    $"expected {entry} to stay served as it is while this cluster node runs, found {(changed is null ? "the connection removed" : "it changed")} " +
                    $"and no other connection serving it so: {Why}");
            }
        }
    }

    private const string Why =
        "a cluster node's pool blocks and their routes are set up at start, so pools and ipsec-interfaces change only by a restart " +
        "(the other nodes keep serving meanwhile)";

    /// <summary>The connection's part of the node's layout, each with the connection key it comes from.</summary>
    private static IEnumerable<(string Entry, string Key)> Layout(ConnectionSettings c)
    {
        var device = InterfaceActor.NameFor(c.IpsecInterface);
        yield return ($"interface {device}", "ipsec-interface");
        foreach (var pool in c.AddressPools)
        {
            yield return ($"{pool.Describe} ({string.Join(", ", pool.Addresses)}, unique = {c.Unique.ToString().ToLowerInvariant()}) through {device}", "pools");
        }
    }
}
