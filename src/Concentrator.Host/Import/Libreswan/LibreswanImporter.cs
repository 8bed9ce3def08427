using System.Net;
using System.Text.RegularExpressions;

namespace Concentrator.Host.Import.Libreswan;

/// <summary>How to import: which end is this gateway (null = decide per conn, see <see cref="ConnSides"/>), its
/// addresses, and which conns (empty = all).</summary>
internal sealed record ImportOptions(string? LocalSide, IReadOnlyCollection<IPAddress> LocalAddresses, IReadOnlyCollection<string> Conns);

/// <summary>
/// libreswan's ipsec.conf (+ ipsec.secrets) → Concentrator connections, pools and secrets. Every conn except
/// <c>%default</c> is a candidate; one that cannot be served is refused with its reason, the rest are imported with
/// a warning for each key left behind.
/// </summary>
internal static partial class LibreswanImporter
{
    public static ImportResult Import(IpsecConf conf, IReadOnlyList<SecretEntry> secrets, ImportOptions options)
    {
        var warnings = new List<ImportWarning>(conf.Warnings);
        var refused = new List<ImportWarning>();
        var connections = new List<ImportedConnection>();
        var pools = new List<ImportedPool>();
        var names = new HashSet<string>(StringComparer.Ordinal) { "secrets", "pools", "eap-secrets" };
        var localIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        string? unique = conf.Setup.LastOrDefault(s => s.Key == "uniqueids")?.Value is "no" ? "never" : null;
        foreach (var s in conf.Setup.Where(s => s.Key is not ("uniqueids" or "logfile" or "logtime" or "logappend" or "plutodebug" or "dumpdir")))
        {
            warnings.Add(new ImportWarning(s.File, s.Line, null, s.Key, "config setup key not imported (node-wide settings live in HOCON.conf)"));
        }

        var wanted = options.Conns.Count > 0 ? options.Conns.ToHashSet(StringComparer.Ordinal) : null;
        foreach (var section in conf.Conns.Where(c => c.Name != ConnResolver.DefaultConn && (wanted is null || wanted.Contains(c.Name))))
        {
            try
            {
                var conn = ConnResolver.Resolve(section, conf.Conns);
                if (!ConnTranslator.IsComplete(conn))
                {
                    throw new ConnRefusedException(conn.Warn(null, "incomplete (left= and right= are both needed); a conn used only through also= is imported as part of the conns that include it"));
                }

                string local = ConnSides.Local(conn, options.LocalSide, options.LocalAddresses)
                    ?? throw new ConnRefusedException(conn.Warn(null, "cannot tell which end is this gateway: pass --local left|right or --local-address"));
                var connWarnings = new List<ImportWarning>();
                string name = UniqueName(section.Name, names);
                var connection = new ConnTranslator(conn, local, connWarnings).Translate(name, unique, pool => AddPool(pool, pools));
                if (name != section.Name)
                {
                    connWarnings.Insert(0, conn.Warn(null, $"written as '{name}' (connection names are letters, digits, '-' and '_', and unique)"));
                }

                warnings.AddRange(connWarnings);
                connections.Add(connection);
                localIds.Add(connection.Local.Id);
                if (conn.Get(local) is { } host)
                {
                    localIds.Add(host);
                }
            }
            catch (ConnRefusedException e)
            {
                refused.Add(e.Reason);
            }
        }

        foreach (var missing in wanted?.Where(w => conf.Conns.All(c => c.Name != w)) ?? [])
        {
            refused.Add(new ImportWarning("(command line)", 0, missing, null, "no such conn"));
        }

        var psk = Secrets(secrets, localIds, warnings);
        // A "%any" connection finds each peer's own secret by the identity it presents (or the "%any" one).
        foreach (var c in connections.Where(c => c.Remote.Auth == "psk"
            && !psk.Any(p => c.Remote.Id == "%any" || string.Equals(p.Key, c.Remote.Id, StringComparison.OrdinalIgnoreCase) || p.Key == "%any")))
        {
            warnings.Add(new ImportWarning("(secrets)", 0, c.SourceName, null, $"no pre-shared key for '{c.Remote.Id}' was imported: add one to the secrets {{ }} block"));
        }

        return new ImportResult(connections, pools, psk, warnings, refused);
    }

    /// <summary>PSK entries keyed by the remote identity: an entry's selectors minus this gateway's own identities and
    /// addresses (an entry naming only us, or nobody, is for any peer: "%any").</summary>
    private static List<KeyValuePair<string, string>> Secrets(IReadOnlyList<SecretEntry> entries, HashSet<string> localIds, List<ImportWarning> warnings)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var entry in entries)
        {
            if (entry.Kind != "PSK")
            {
                warnings.Add(new ImportWarning(entry.File, entry.Line, null, entry.Kind, entry.Kind is "RSA" or "ECDSA"
                    ? "private keys are not imported (libreswan keeps them in NSS; see the certificate export warnings)"
                    : "not a pre-shared key, not imported"));
                continue;
            }

            var remote = entry.Selectors.Select(s => s.TrimStart('@')).Where(s => !localIds.Contains(s) && s is not ("%any" or "%any6" or "0.0.0.0" or "::")).ToList();
            foreach (var id in remote.Count > 0 ? remote : ["%any"])
            {
                if (result.FirstOrDefault(p => string.Equals(p.Key, id, StringComparison.OrdinalIgnoreCase)) is { Key: not null } existing)
                {
                    if (existing.Value != entry.Value)
                    {
                        warnings.Add(new ImportWarning(entry.File, entry.Line, null, "PSK", $"a second, different secret for '{id}': the first one is kept"));
                    }

                    continue;
                }

                result.Add(new(id, entry.Value));
            }
        }

        return result;
    }

    private static string AddPool(ImportedPool pool, List<ImportedPool> pools)
    {
        // One pool per address set: conns sharing an addresspool share the pool (and its leases), as in libreswan.
        if (pools.FirstOrDefault(p => p.Addresses.SequenceEqual(pool.Addresses)) is { } same)
        {
            return same.Name;
        }

        string name = char.IsAsciiLetter(pool.Name[0]) ? pool.Name : "pool-" + pool.Name;
        pools.Add(pool with { Name = name });
        return name;
    }

    private static string UniqueName(string name, HashSet<string> taken)
    {
        string clean = NameChars().Replace(name, "_");
        string candidate = clean;
        for (int i = 2; !taken.Add(candidate); i++)
        {
            candidate = $"{clean}-{i}";
        }

        return candidate;
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NameChars();
}
