using System.CommandLine;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator reload</c>: the running concentrator reads its configuration again (as SIGHUP does) and
/// applies it without dropping the clients of connections that stay; a configuration it refuses leaves it serving
/// the previous one, and the error (file, key, what was expected) is printed with exit code 78.</summary>
internal static class ReloadVerb
{
    public static Command Create() =>
        ManagementVerb.Create("reload", "Read the configuration again and apply it (as SIGHUP); clients of unchanged connections stay.", [],
            async (result, client, json, output, stop) =>
            {
                if (json)
                {
                    await output.WriteLineAsync(await client.PostRawAsync("reload", stop).ConfigureAwait(false)).ConfigureAwait(false);
                    return;
                }

                var report = await client.PostAsync("reload", ManagementJson.Default.ReloadReport, stop).ConfigureAwait(false);
                static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
                await output.WriteLineAsync($"reloaded: added {Names(report.Added)}; removed {Names(report.Removed)} ({report.DeletedSas} IKE SA(s) deleted); " +
                    $"changed {Names(report.Changed)} (new SAs only); unchanged {Names(report.Unchanged)}").ConfigureAwait(false);
            });
}
