using System.Globalization;
using System.Net;
using Akka.Configuration.Hocon;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Config;

/// <summary>
/// Reads typed values from a parsed HOCON tree and turns every mismatch into a <see cref="ConfigException"/>
/// that names the file, the full key and what was expected. Akka's own getters either return a default for a
/// missing key or throw messages without the key, which is why nothing else reads configuration directly.
/// </summary>
internal sealed class SettingsReader
{
    private readonly HoconConfig _config;

    public SettingsReader(HoconConfig config, string file)
    {
        _config = config;
        File = file;
    }

    public string File { get; }

    public ConfigException Error(string key, string problem) => new(File, key, problem);

    public bool Has(string key) => _config.HasPath(key);

    public HoconValue Value(string key)
    {
        if (!_config.HasPath(key))
        {
            throw Error(key, "missing");
        }

        return _config.GetValue(key);
    }

    public string String(string key)
    {
        var value = Value(key);
        if (!value.IsString())
        {
            throw Error(key, $"expected a single value, got {Describe(value)}");
        }

        return value.GetString();
    }

    public IReadOnlyList<string> StringList(string key)
    {
        var value = Value(key);
        if (IsEmptyList(value))
        {
            return [];
        }

        if (!value.IsArray())
        {
            throw Error(key, $"expected a list like [ \"a\", \"b\" ], got {Describe(value)}");
        }

        var items = value.GetArray();
        var result = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (!items[i].IsString())
            {
                throw Error($"{key}[{i}]", $"expected a single value, got {Describe(items[i])}");
            }

            result.Add(items[i].GetString());
        }

        return result;
    }

    public T Parsed<T>(string key, string expected, Func<string, T?> parse)
        where T : struct
    {
        var text = String(key);
        return parse(text) ?? throw Error(key, $"expected {expected}, got '{text}'");
    }

    public IReadOnlyList<T> ParsedList<T>(string key, string expected, Func<string, T?> parse)
        where T : class
    {
        var texts = StringList(key);
        var result = new List<T>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            result.Add(parse(texts[i]) ?? throw Error($"{key}[{i}]", $"expected {expected}, got '{texts[i]}'"));
        }

        return result;
    }

    public int Int(string key, int min, int max)
    {
        var text = String(key);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw Error(key, $"expected a whole number {min}..{max}, got '{text}'");
        }

        return n;
    }

    public double Double(string key, double min, double max)
    {
        var text = String(key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !(d >= min && d <= max))
        {
            throw Error(key, $"expected a number {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
        }

        return d;
    }

    /// <summary>A HOCON duration ("30s", "4h", "500ms"). A bare number is refused: it would silently mean milliseconds.</summary>
    public TimeSpan Duration(string key)
    {
        var text = String(key).Trim();
        var expected = "expected a duration like 30s, 5m or 4h";
        if (text.Length == 0 || char.IsAsciiDigit(text[^1]))
        {
            throw Error(key, $"{expected} (with a unit), got '{text}'");
        }

        TimeSpan value;
        try
        {
            value = _config.GetTimeSpan(key, null, allowInfinite: false);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException or Akka.Configuration.ConfigurationException)
        {
            throw Error(key, $"{expected}, got '{text}'");
        }

        if (value < TimeSpan.Zero)
        {
            throw Error(key, $"{expected} (not negative), got '{text}'");
        }

        return value;
    }

    /// <summary>A prefix in canonical form (no host bits set): "10.99.0.1/24" is refused as a likely typo.</summary>
    public static IPNetwork? Prefix(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && Address(text[..slash]) is { } address && IPNetwork.TryParse(text.Trim(), out var n) && n.BaseAddress.Equals(address)
            ? n
            : null;
    }

    /// <summary>An address in full form. IPAddress.TryParse alone accepts "10.99" as 10.0.0.99, which no
    /// operator means.</summary>
    public static IPAddress? Address(string text)
    {
        text = text.Trim();
        if (!IPAddress.TryParse(text, out var a))
        {
            return null;
        }

        return a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') != 3 ? null : a;
    }

    // Akka's HoconValue.IsArray() is false for "[]" (it holds a HoconArray without items, and inside an
    // object a whitespace literal next to it).
    private static bool IsEmptyList(HoconValue value) =>
        value.Values.Any(v => v is HoconArray)
        && value.Values.All(v => v is HoconArray a ? a.GetArray().Count == 0 : v is HoconLiteral l && string.IsNullOrWhiteSpace(l.Value));

    private static string Describe(HoconValue value) =>
        value.IsObject() ? "an object { … }" : value.IsArray() ? "a list [ … ]" : "'" + value.GetString() + "'";
}
