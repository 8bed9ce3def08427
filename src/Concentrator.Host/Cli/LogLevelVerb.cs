using System.CommandLine;
using Concentrator.Host.Hosting;
using Concentrator.Host.Management;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator log-level [CATEGORY] LEVEL</c>: changes a category's minimum level in the running
/// concentrator (a namespace or type name, e.g. <c>Concentrator.Server.Sa</c>; without one, <c>Default</c>). Without
/// a level it lists the levels set. Lasts until the next reload or restart, which apply
/// <c>concentrator.logging.levels</c>.</summary>
internal static class LogLevelVerb
{
    public static Command Create()
    {
        var words = new Argument<string[]>("[CATEGORY] LEVEL")
        {
            Description = $"A category (default: {LogLevels.DefaultCategory}) and a level: {string.Join(", ", Enum.GetNames<LogLevel>())}. None: list the levels.",
            Arity = new ArgumentArity(0, 2),
        };
        var command = ManagementVerb.Create("log-level", "Change (or list) the log levels of the running concentrator.", [words],
            async (result, client, json, output, stop) =>
            {
                var given = result.GetValue(words) ?? [];
                if (given.Length == 0)
                {
                    if (json)
                    {
                        await output.WriteLineAsync(await client.GetRawAsync("log-level", stop).ConfigureAwait(false)).ConfigureAwait(false);
                        return;
                    }

                    var list = await client.GetAsync("log-level", ManagementJson.Default.LogLevelList, stop).ConfigureAwait(false);
                    foreach (var (category, level) in list.Levels.OrderBy(l => l.Key, StringComparer.Ordinal))
                    {
                        await output.WriteLineAsync($"{category}: {level}").ConfigureAwait(false);
                    }

                    return;
                }

                var (categoryName, levelName) = given.Length == 2 ? (given[0], given[1]) : (LogLevels.DefaultCategory, given[0]);
                var path = $"log-level?category={Uri.EscapeDataString(categoryName)}&level={Uri.EscapeDataString(levelName)}";
                if (json)
                {
                    await output.WriteLineAsync(await client.PostRawAsync(path, stop).ConfigureAwait(false)).ConfigureAwait(false);
                    return;
                }

                var changed = await client.PostAsync(path, ManagementJson.Default.LogLevelChanged, stop).ConfigureAwait(false);
                await output.WriteLineAsync($"{changed.Category}: {changed.Level} (was {changed.Previous})").ConfigureAwait(false);
            });
        command.Validators.Add(result =>
        {
            var given = result.GetValue(words) ?? [];
            if (given.Length > 0 && LogLevels.Parse(given[^1]) is null)
            {
                result.AddError($"'{given[^1]}' is not a level: expected one of {string.Join(", ", Enum.GetNames<LogLevel>())}");
            }
        });
        return command;
    }
}
