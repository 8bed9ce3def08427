using Akka.Configuration.Hocon;
using Concentrator.Server.Config;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Runtime;

/// <summary>
/// What a reload changes, worked out from the running configuration and the new one (both fully loaded and checked):
/// connections added, removed, changed (settings differ; their live SAs keep the old ones) and unchanged, by name.
/// The main file may change only in the keys the caller names (e.g. the log levels, which it applies itself); any
/// other key there is read once at start (listen addresses, ports, dataplane, kernel, pools' journal, RADIUS
/// servers, the management socket, Akka) and refused naming it.
/// </summary>
public sealed record ReloadPlan(
    IReadOnlyList<ConnectionSettings> Added,
    IReadOnlyList<ConnectionSettings> Removed,
    IReadOnlyList<ConnectionSettings> Changed,
    IReadOnlyList<ConnectionSettings> Unchanged)
{
    /// <summary>The plan from <paramref name="current"/> to <paramref name="next"/>; a main-file key outside
    /// <paramref name="mayChange"/> (key prefixes) that differs is a <see cref="ConfigException"/> naming
    /// <paramref name="mainFile"/> and the key.</summary>
    public static ReloadPlan Create(NodeDefinition current, NodeDefinition next, string mainFile, IReadOnlyCollection<string> mayChange)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(mayChange);
        var before = Flatten(current.Config);
        var after = Flatten(next.Config);
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            if (mayChange.Any(prefix => key == prefix || key.StartsWith(prefix + ".", StringComparison.Ordinal)))
            {
                continue;
            }

            var was = before.GetValueOrDefault(key);
            var now = after.GetValueOrDefault(key);
            if (was != now)
            {
                throw new ConfigException(mainFile, key,
                    $"expected {(was is null ? "no value" : $"'{was}'")} as the running concentrator has it, found {(now is null ? "none" : $"'{now}'")}: " +
                    "this key is read once at start and cannot change on reload (restart the concentrator to apply it)");
            }
        }

        var old = current.Connections.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var names = next.Connections.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var added = new List<ConnectionSettings>();
        var changed = new List<ConnectionSettings>();
        var unchanged = new List<ConnectionSettings>();
        foreach (var connection in next.Connections)
        {
            if (!old.TryGetValue(connection.Name, out var was))
            {
                added.Add(connection);
            }
            else if (Fingerprint(was) != Fingerprint(connection))
            {
                changed.Add(connection);
            }
            else
            {
                unchanged.Add(connection);
            }
        }

        return new ReloadPlan(added, [.. current.Connections.Where(c => !names.Contains(c.Name))], changed, unchanged);
    }

    /// <summary>The connection's settings as one string: two connections with the same one serve alike (the secrets
    /// and certificate files are read again either way and go to new SAs). Every public property is written, walked
    /// through records and lists, so a setting added later takes part without being listed here.</summary>
    public static string Fingerprint(ConnectionSettings c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var text = new System.Text.StringBuilder();
        Write(text, c, depth: 0);
        return text.ToString();
    }

    private static void Write(System.Text.StringBuilder text, object? value, int depth)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                text.Append('"').Append(s).Append('"');
                return;
            case System.Collections.IEnumerable items:
                text.Append('[');
                foreach (var item in items)
                {
                    Write(text, item, depth + 1);
                    text.Append(',');
                }

                text.Append(']');
                return;
        }

        var type = value.GetType();
        // Values of the platform (numbers, enums, TimeSpan, IPAddress, IPNetwork) are leaves; our own records are walked.
        if (type.IsPrimitive || type.IsEnum || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true || depth > 8)
        {
            text.Append(global::System.Convert.ToString(value, global::System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        text.Append(type.Name).Append('{');
        foreach (var property in type.GetProperties(global::System.Reflection.BindingFlags.Public | global::System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                text.Append(property.Name).Append('=');
                Write(text, property.GetValue(value), depth + 1);
                text.Append(';');
            }
        }

        text.Append('}');
    }

    /// <summary>Every leaf of <paramref name="config"/> as "a.b.c" → its text.</summary>
    internal static Dictionary<string, string> Flatten(HoconConfig config)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.Root.IsObject())
        {
            Walk(config.Root, "", leaves);
        }

        return leaves;
    }

    private static void Walk(HoconValue value, string path, Dictionary<string, string> leaves)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
            {
                Walk(child, path.Length == 0 ? Quote(key) : path + "." + Quote(key), leaves);
            }

            return;
        }

        leaves[path] = value.ToString();
    }

    private static string Quote(string key) => key.Contains('.', StringComparison.Ordinal) ? "\"" + key + "\"" : key;
}
