using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator stats</c>: counters since start (setups, failures by cause, half-open, cookies, drops).</summary>
internal static class StatsVerb
{
    public static Command Create() => ManagementVerb.Create("stats", "Show the counters since start.", [],
        async (_, client, json, output, stop) =>
        {
            if (json)
            {
                await output.WriteLineAsync(await client.GetRawAsync("stats", stop).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            await output.WriteAsync(ManagementViews.Stats(await client.GetAsync("stats", ManagementJson.Default.Statistics, stop).ConfigureAwait(false))).ConfigureAwait(false);
        });
}
