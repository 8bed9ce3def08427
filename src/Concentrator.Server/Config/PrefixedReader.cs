using System.Net;

namespace Concentrator.Server.Config;

/// <summary>A <see cref="SettingsReader"/> over a connection's section whose errors name the key with the
/// connection in front ("road-warrior.pools[0]"), as the operator wrote it in the file.</summary>
internal sealed class PrefixedReader(SettingsReader inner, string prefix)
{
    public ConfigException Error(string key, string problem) => inner.Error(Full(key), problem);

    public string String(string key) => Wrap(key, k => inner.String(k));

    public IReadOnlyList<string> StringList(string key) => Wrap(key, k => inner.StringList(k));

    public TimeSpan Duration(string key) => Wrap(key, k => inner.Duration(k));

    public int Int(string key, int min, int max) => Wrap(key, k => inner.Int(k, min, max));

    public TimeSpan PositiveDuration(string key) => Wrap(key, k => ServerSettings.PositiveDuration(inner, k));

    public IReadOnlyList<IPNetwork> PrefixList(string key, string expected)
    {
        var texts = StringList(key);
        var result = new List<IPNetwork>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            result.Add(SettingsReader.Prefix(texts[i]) ?? throw Error($"{key}[{i}]", $"expected {expected}, got '{texts[i]}'"));
        }

        return result;
    }

    public IReadOnlyList<IPAddress> AddressList(string key, string expected)
    {
        var texts = StringList(key);
        var result = new List<IPAddress>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            result.Add(SettingsReader.Address(texts[i]) ?? throw Error($"{key}[{i}]", $"expected {expected}, got '{texts[i]}'"));
        }

        return result;
    }

    private string Full(string key) => prefix + "." + key;

    // The inner reader reports keys relative to the section; rewrite them to the full key once.
    private T Wrap<T>(string key, Func<string, T> read)
    {
        try
        {
            return read(key);
        }
        catch (ConfigException e) when (e.Key is { } k && !k.StartsWith(prefix + ".", StringComparison.Ordinal))
        {
            throw new ConfigException(e.File, prefix + "." + k, e.Problem);
        }
    }
}
