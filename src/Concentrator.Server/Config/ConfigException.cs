namespace Concentrator.Server.Config;

/// <summary>A configuration file is wrong. The message names the file, the key (when one is at fault) and what
/// was expected, so an operator can fix it without reading code. The one type for every layer that reads
/// configuration (the host's loader too); the host maps it to its exit code (78, EX_CONFIG).</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, string? key, string problem)
        : base(key is null ? $"{file}: {problem}" : $"{file}: key '{key}': {problem}")
    {
        File = file;
        Key = key;
        Problem = problem;
    }

    public ConfigException() : this("<unknown>", null, "invalid configuration") { }

    public ConfigException(string message) : this("<unknown>", null, message) { }

    public ConfigException(string message, Exception inner) : base(message, inner)
    {
        File = "<unknown>";
        Problem = message;
    }

    public string File { get; }

    public string? Key { get; }

    public string Problem { get; }
}
