using Akka.Configuration;
using Concentrator.Server.Config;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Configuration;

/// <summary>How the console log is written.</summary>
public enum LogFormat
{
    /// <summary>One line of text per event (under systemd: with the journald priority prefix).</summary>
    Text,

    /// <summary>One JSON object per line (Microsoft.Extensions.Logging's JSON console formatter).</summary>
    Json,
}

/// <summary>The typed <c>concentrator.logging { … }</c> section: the console format and the minimum level per
/// category (a category is a namespace or type name; the longest matching prefix wins, <c>Default</c> for the
/// rest), as Microsoft.Extensions.Logging's <c>Logging:LogLevel</c> section has them.</summary>
public sealed record LoggingSettings(LogFormat Format, IReadOnlyDictionary<string, LogLevel> Levels)
{
    public const string FormatKey = "concentrator.logging.format";
    public const string LevelsKey = "concentrator.logging.levels";

    /// <summary>Reads the section from a configuration already merged with the reference configuration.</summary>
    public static LoggingSettings From(Config config, string file)
    {
        var format = config.GetString(FormatKey, null) switch
        {
            "text" => LogFormat.Text,
            "json" => LogFormat.Json,
            var other => throw new ConfigException(file, FormatKey, $"expected text or json, got '{other}'"),
        };

        var levels = new SortedDictionary<string, LogLevel>(StringComparer.Ordinal);
        if (config.HasPath(LevelsKey))
        {
            var section = config.GetValue(LevelsKey);
            if (!section.IsObject())
            {
                throw new ConfigException(file, LevelsKey, "expected an object of category = level");
            }

            foreach (var (category, value) in section.GetObject().Items)
            {
                var key = $"{LevelsKey}.\"{category}\"";
                if (!value.IsString())
                {
                    throw new ConfigException(file, key,
                        $"expected one of {string.Join(", ", LevelNames)}, got an object (quote a category with dots: \"{category}.…\" = Debug)");
                }

                levels[category] = ParseLevel(value.GetString())
                    ?? throw new ConfigException(file, key, $"expected one of {string.Join(", ", LevelNames)}, got '{value.GetString()}'");
            }
        }

        return new LoggingSettings(format, levels);
    }

    /// <summary>The levels as <c>Logging:LogLevel:…</c> configuration keys (what Microsoft.Extensions.Logging's
    /// filter options are bound from, and re-bound when the configuration reloads).</summary>
    public IEnumerable<KeyValuePair<string, string?>> AsConfiguration() =>
        Levels.Select(l => new KeyValuePair<string, string?>($"Logging:LogLevel:{l.Key}", l.Value.ToString()));

    private static readonly string[] LevelNames = [.. Enum.GetNames<LogLevel>()];

    private static LogLevel? ParseLevel(string text) =>
        Enum.TryParse<LogLevel>(text, ignoreCase: false, out var level) && Enum.IsDefined(level) && !char.IsDigit(text[0]) ? level : null;
}
