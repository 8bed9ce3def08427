using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Hosting;

/// <summary>
/// The log levels at run time, through Microsoft.Extensions.Logging's own mechanism: the levels are the
/// <c>Logging:LogLevel</c> configuration section the logger filter options are bound from (<see cref="ConsoleLogging"/>);
/// a change sets the key and reloads the configuration, and the logger factory re-reads its filter from it.
/// </summary>
internal sealed class LogLevels(IConfiguration configuration)
{
    public const string DefaultCategory = "Default";
    private const string Section = "Logging:LogLevel";
    private readonly Lock _lock = new();

    /// <summary>The levels set now, by category.</summary>
    public IReadOnlyDictionary<string, string> Current()
    {
        lock (_lock)
        {
            return configuration.GetSection(Section).GetChildren().Where(c => c.Value is not null)
                .ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        }
    }

    /// <summary>Sets <paramref name="category"/>'s minimum level; returns the one it had ("(unset)" when it had none).</summary>
    public string Set(string category, LogLevel level)
    {
        lock (_lock)
        {
            var key = $"{Section}:{category}";
            var previous = configuration[key] ?? "(unset)";
            configuration[key] = level.ToString();
            Reload();
            return previous;
        }
    }

    /// <summary>Replaces every level by <paramref name="levels"/> (a reload of <c>concentrator.logging.levels</c>);
    /// categories no longer named go back to their parents' level.</summary>
    public void Replace(IReadOnlyDictionary<string, LogLevel> levels)
    {
        lock (_lock)
        {
            foreach (var child in configuration.GetSection(Section).GetChildren().ToList())
            {
                if (!levels.ContainsKey(child.Key))
                {
                    configuration[child.Path] = null;
                }
            }

            foreach (var (category, level) in levels)
            {
                configuration[$"{Section}:{category}"] = level.ToString();
            }

            Reload();
        }
    }

    /// <summary>A level name as Microsoft.Extensions.Logging spells it (Trace … Critical, None), or null.</summary>
    public static LogLevel? Parse(string text) =>
        Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level) && !char.IsDigit(text[0]) ? level : null;

    private void Reload()
    {
        if (configuration is IConfigurationRoot root)
        {
            root.Reload();
        }
    }
}
