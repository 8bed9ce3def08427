using System.CommandLine;
using Concentrator.Host.Configuration;
using Concentrator.Host.Hosting;
using Concentrator.Host.Logging;
using Concentrator.Host.Metrics;
using Concentrator.Server.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator run</c>: serves until SIGTERM/SIGINT (or the stop the caller passes), then deletes the
/// SAs and removes the kernel state it owns. Exits 0 after a normal stop, 78 for an invalid configuration, 69 when it
/// cannot start, 70 when the actor system ended without being asked to.</summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var config = ConcentratorCli.ConfigOption();
        var logFormat = new Option<string?>("--log-format")
        {
            Description = "The console log's format (default: concentrator.logging.format).",
            HelpName = "text|json",
        };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var command = new Command("run", "Run the concentrator until SIGTERM or SIGINT.") { config, logFormat };
        command.SetAction((result, stop) => RunAsync(result.GetValue(config)!, result.GetValue(logFormat), result.InvocationConfiguration, stop));
        return command;
    }

    private static async Task<int> RunAsync(string mainFile, string? logFormat, InvocationConfiguration console, CancellationToken stop)
    {
        var (output, error) = (console.Output, console.Error);
        if (!ConfigFiles.TryLoad(mainFile, error, out var loaded, out var definition))
        {
            return ExitCodes.Config;
        }

        var format = logFormat switch
        {
            "json" => LogFormat.Json,
            "text" => LogFormat.Text,
            _ => loaded.Settings.Logging.Format,
        };
        using var host = ConcentratorHost.Build(loaded, definition, format);
        if (format == LogFormat.Text)
        {
            output.WriteLine(Program.Banner);
        }
        else
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Concentrator.Host").Starting(Program.Version, loaded.MainFile);
        }

        try
        {
            await host.StartAsync(stop).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await StopQuietlyAsync(host).ConfigureAwait(false);
            switch (e)
            {
                case ConfigException:
                    error.WriteLine($"concentrator: configuration error: {e.Message}");
                    return ExitCodes.Config;
                // SIGTERM during the start: System.CommandLine's token, or the host's lifetime, which stops the start.
                case OperationCanceledException when stop.IsCancellationRequested
                    || host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested:
                    return ExitCodes.Ok;
                default:
                    error.WriteLine($"concentrator: cannot start: {e.Message}");
                    return ExitCodes.Unavailable;
            }
        }

        var service = host.Services.GetRequiredService<NodeService>();
        var node = service.Node!;
        if (format == LogFormat.Text)
        {
            output.WriteLine($"dataplane: {node.Dataplane.Mode.ToString().ToLowerInvariant()} ({node.Dataplane.Reason})");
            output.WriteLine($"running: {string.Join(", ", node.Served.Select(c => $"connection '{c.Settings.Name}'"))}, IKE on port {definition.Server.Port}/{definition.Server.NatTPort}; SIGTERM or Ctrl-C stops");
            if (host.Services.GetRequiredService<MetricsEndpoint>().Address is { } metrics)
            {
                output.WriteLine($"metrics: http://{metrics}/metrics, status page: http://{metrics}/status");
            }

            output.Flush();
        }

        await host.WaitForShutdownAsync(stop).ConfigureAwait(false);
        if (service.EndedOnItsOwn)
        {
            error.WriteLine("concentrator: the actor system ended without a stop request; owned kernel state removed");
            return ExitCodes.Software;
        }

        if (format == LogFormat.Text)
        {
            output.WriteLine("stopped: actor system terminated, owned kernel state removed");
        }

        return ExitCodes.Ok;
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            await host.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or AggregateException or InvalidOperationException)
        {
            // The start already failed; that failure is what the operator is told.
        }
    }
}
