namespace Concentrator.Host.Import.Libreswan;

/// <summary>A conn with <c>also=</c> and <c>%default</c> applied: every key it ends up with, and where each was written.</summary>
internal sealed class ResolvedConn(ConnSection section, IReadOnlyDictionary<string, ConfSetting> settings)
{
    public string Name => section.Name;
    public string File => section.File;
    public int Line => section.Line;
    public IReadOnlyDictionary<string, ConfSetting> Settings { get; } = settings;

    public string? Get(string key) => Settings.TryGetValue(key, out var s) ? s.Value : null;

    public ImportWarning Warn(string? key, string message) =>
        key is not null && Settings.TryGetValue(key, out var s)
            ? new ImportWarning(s.File, s.Line, Name, key, message)
            : new ImportWarning(File, Line, Name, key, message);
}

/// <summary>
/// Applies libreswan's inheritance: a conn's own keys win; then, depth first in the order written, the keys of the
/// conns its <c>also=</c> names (each may name more); last the <c>conn %default</c> keys. A key is taken from the
/// first place that sets it.
/// </summary>
internal static class ConnResolver
{
    public const string DefaultConn = "%default";

    public static ResolvedConn Resolve(ConnSection conn, IReadOnlyList<ConnSection> all)
    {
        var byName = new Dictionary<string, ConnSection>(StringComparer.Ordinal);
        foreach (var c in all)
        {
            byName.TryAdd(c.Name, c);
        }

        var settings = new Dictionary<string, ConfSetting>(StringComparer.Ordinal);
        Add(conn, byName, settings, [conn.Name]);
        if (byName.TryGetValue(DefaultConn, out var defaults))
        {
            Add(defaults, byName, settings, [DefaultConn]);
        }

        settings.Remove("also");
        return new ResolvedConn(conn, settings);
    }

    private static void Add(ConnSection conn, Dictionary<string, ConnSection> byName, Dictionary<string, ConfSetting> into, List<string> chain)
    {
        foreach (var s in conn.Settings)
        {
            if (s.Key != "also")
            {
                into.TryAdd(s.Key, s);
            }
        }

        foreach (var s in conn.Settings.Where(s => s.Key == "also"))
        {
            foreach (var name in s.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (chain.Contains(name))
                {
                    throw new ConnRefusedException(new ImportWarning(s.File, s.Line, chain[0], "also", $"'{name}' includes itself ({string.Join(" → ", chain)} → {name})"));
                }

                if (!byName.TryGetValue(name, out var included))
                {
                    throw new ConnRefusedException(new ImportWarning(s.File, s.Line, chain[0], "also", $"names conn '{name}', which is not defined"));
                }

                Add(included, byName, into, [.. chain, name]);
            }
        }
    }
}

/// <summary>A conn the import refuses as a whole (IKEv1, transport mode, nothing to serve); the reason says why.</summary>
internal sealed class ConnRefusedException(ImportWarning reason) : Exception(reason.Message)
{
    public ImportWarning Reason { get; } = reason;
}
