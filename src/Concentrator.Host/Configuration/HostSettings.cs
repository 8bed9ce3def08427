using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Configuration;

/// <summary>The typed <c>concentrator { … }</c> section of the host's configuration.</summary>
public sealed record HostSettings(string ConfigDir, LoggingSettings Logging, ManagementSettings Management)
{
    /// <summary>The metrics and status page listener (<c>concentrator.metrics</c>).</summary>
    public MetricsSettings Metrics { get; init; } = new(null, TimeSpan.FromSeconds(10), 60, "");

    /// <summary>Reads the section from a configuration already merged with the reference configuration.</summary>
    public static HostSettings From(Config config, string file)
    {
        var configDir = RequireString(config, "concentrator.config-dir", file);
        if (configDir.Length == 0)
        {
            throw new ConfigException(file, "concentrator.config-dir", "expected a folder path, got an empty string");
        }

        return new HostSettings(configDir, LoggingSettings.From(config, file), ManagementSettings.From(config, file))
        {
            Metrics = MetricsSettings.From(config, file),
        };
    }

    private static string RequireString(Config config, string key, string file)
    {
        if (!config.HasPath(key))
        {
            throw new ConfigException(file, key, "missing (the reference configuration should define it)");
        }

        var value = config.GetValue(key);
        if (!value.IsString())
        {
            throw new ConfigException(file, key, "expected a string, got an object or a list");
        }

        return value.GetString();
    }
}
