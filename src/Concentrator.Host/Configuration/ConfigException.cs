namespace Concentrator.Host.Configuration;

/// <summary>A configuration file is wrong. The message names the file, the key (when one is at fault) and
/// what was expected, so an operator can fix it without reading code.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, string? key, string problem)
        : base(key is null ? $"{file}: {problem}" : $"{file}: key '{key}': {problem}")
    {
        File = file;
        Key = key;
    }

    public ConfigException() : this("<unknown>", null, "invalid configuration") { }

    public ConfigException(string message) : this("<unknown>", null, message) { }

    public ConfigException(string message, Exception inner) : base(message, inner) => File = "<unknown>";

    public string File { get; } = "<unknown>";

    public string? Key { get; }
}
