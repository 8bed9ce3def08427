using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Akka.Configuration.Hocon;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Config;

/// <summary>
/// One address pool: the prefixes virtual IPs come from and the DNS servers of its clients. A named pool is
/// declared once in a top-level <c>pools { sales { addresses = [ … ], dns = [ … ] } }</c> block of any connection
/// file and shared by every connection that names it in its <c>pools</c> list: one lease per identity across them
/// (the identity keeps its address whichever of those connections it comes through). Prefixes written directly in a
/// connection's <c>pools</c> list form that connection's own inline pool (<see cref="IsInline"/>), as before named
/// pools existed.
/// </summary>
public sealed partial record PoolSettings(string Name, string File, string Key, IReadOnlyList<IPNetwork> Addresses, IReadOnlyList<IPAddress> Dns)
{
    public const string BlockKey = "pools";

    /// <summary>The connection's own prefixes (<see cref="Name"/> is then the connection's name), not a named pool.</summary>
    public bool IsInline { get; init; }

    /// <summary>The name its leases are remembered under (the lease journal's key): the connection's name for an
    /// inline pool (what it was before named pools), "pools.NAME" for a named pool. The two never collide: connection
    /// names have no dots.</summary>
    public string LeaseSpace => IsInline ? Name : BlockKey + "." + Name;

    /// <summary>How the pool is named in messages: "pool 'sales'" or "the pools of connection 'rw'".</summary>
    public string Describe => IsInline ? $"the inline pools of connection '{Name}'" : $"pool '{Name}'";

    /// <summary>A pool name: a letter first, so that it never reads as a prefix or an address.</summary>
    public static bool IsName(string text) => NamePattern().IsMatch(text);

    /// <summary>Reads a <c>pools { … }</c> block of <paramref name="file"/>.</summary>
    internal static IReadOnlyList<PoolSettings> ReadBlock(HoconConfig fileConfig, HoconValue value, string file)
    {
        if (!value.IsObject())
        {
            throw new ConfigException(file, BlockKey, "expected named pools { sales { addresses = [ \"10.99.0.0/24\" ], dns = [ … ] } }");
        }

        var pools = new List<PoolSettings>();
        foreach (var (name, body) in value.GetObject().Items)
        {
            var key = $"{BlockKey}.{name}";
            if (!IsName(name))
            {
                throw new ConfigException(file, key, "expected a pool name of letters, digits, '-' and '_', starting with a letter");
            }

            if (!body.IsObject())
            {
                throw new ConfigException(file, key, "expected a pool object { addresses = [ … ], dns = [ … ] }");
            }

            foreach (var unknown in body.GetObject().Items.Keys.Where(k => k is not ("addresses" or "dns")))
            {
                throw new ConfigException(file, $"{key}.{unknown}", "unknown key; expected one of addresses, dns");
            }

            var r = new PrefixedReader(new SettingsReader(fileConfig.GetConfig(key).WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("dns = []")), file), key);
            var addresses = r.PrefixList("addresses", "an IPv4 or IPv6 prefix like 10.99.0.0/24");
            if (addresses.Count == 0)
            {
                throw r.Error("addresses", "expected at least one prefix, e.g. [ \"10.99.0.0/24\", \"fd00:99::/112\" ]");
            }

            CheckPrefixes(addresses, r, "addresses");
            var dns = r.AddressList("dns", "an IPv4 or IPv6 address like 198.51.100.53");
            pools.Add(new PoolSettings(name, file, key + ".addresses", addresses, dns));
        }

        return pools;
    }

    /// <summary>Refuses prefixes with no room for clients and prefixes of one list that overlap each other.</summary>
    internal static void CheckPrefixes(IReadOnlyList<IPNetwork> prefixes, PrefixedReader r, string key)
    {
        for (var i = 0; i < prefixes.Count; i++)
        {
            if (prefixes[i].BaseAddress.AddressFamily == AddressFamily.InterNetwork && prefixes[i].PrefixLength > 30 && prefixes[i].PrefixLength != 32)
            {
                // /31 has no usable address once network and broadcast are skipped; /32 is one fixed address.
                throw r.Error($"{key}[{i}]", $"expected a pool with room for clients (/30 or shorter, or a single /32), got '{prefixes[i]}'");
            }

            for (var j = 0; j < i; j++)
            {
                if (Overlap(prefixes[i], prefixes[j]))
                {
                    throw r.Error($"{key}[{i}]", $"expected pools that do not overlap, {prefixes[i]} overlaps {key}[{j}] {prefixes[j]}");
                }
            }
        }
    }

    internal static bool Overlap(IPNetwork x, IPNetwork y) =>
        x.BaseAddress.AddressFamily == y.BaseAddress.AddressFamily && (x.Contains(y.BaseAddress) || y.Contains(x.BaseAddress));

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex NamePattern();
}
