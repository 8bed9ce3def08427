using System.Runtime.InteropServices;
using Concentrator.Host.Configuration;
using Concentrator.Host.Logging;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Hosting;

/// <summary>
/// Reload (SIGHUP or <c>concentrator reload</c>): reads the main file and the connection files again exactly as the
/// start does (<see cref="ConfigLoader"/>, <see cref="NodeDefinition.Load"/>), and only when all of it is valid hands
/// it to the node (<see cref="ConcentratorNode.ReloadAsync"/>), which refuses what cannot change while running. Then the
/// log levels of the new <c>concentrator.logging.levels</c> apply. A refused or invalid configuration leaves the node
/// serving the previous one; the error (file, key, what was expected) is logged and returned to the caller. As a hosted
/// service it owns the SIGHUP registration (after the node started, so a SIGHUP during start-up is not a reload).
/// </summary>
internal sealed class ConfigReload(NodeService node, LoadedConfig loaded, LogLevels levels, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    /// <summary>The main-file keys a reload applies besides the connections.</summary>
    private static readonly string[] MayChange = [LoggingSettings.LevelsKey];

    private readonly ILogger _log = loggerFactory.CreateLogger("Concentrator.Host.Reload");
    private PosixSignalRegistration? _sighup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // Not the default (terminate): a reload, off the signal thread.
            context.Cancel = true;
            _ = Task.Run(() => ReloadAsync("SIGHUP", CancellationToken.None));
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _sighup?.Dispose();
        _sighup = null;
    }

    /// <summary>Reloads; the outcome says what changed, or why nothing did.</summary>
    public async Task<ReloadOutcome> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        _log.ReloadRequested(trigger, loaded.MainFile);
        if (node.Node is not { } running)
        {
            return Refused("the concentrator has not finished starting");
        }

        try
        {
            var next = ConfigLoader.Load(loaded.MainFile);
            var definition = next.ToNodeDefinition();
            var report = await running.ReloadAsync(definition, loaded.MainFile, MayChange, cancellationToken).ConfigureAwait(false);
            levels.Replace(next.Settings.Logging.Levels);
            return new ReloadOutcome(report, null);
        }
        catch (ConfigException e)
        {
            return Refused(e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException or TaskCanceledException or IOException)
        {
            return Refused($"applying it failed: {e.Message}");
        }
    }

    private ReloadOutcome Refused(string error)
    {
        _log.ReloadRefused(error);
        return new ReloadOutcome(null, error);
    }
}

/// <summary>What a reload did (<paramref name="Report"/>), or why it did nothing (<paramref name="Error"/>).</summary>
internal sealed record ReloadOutcome(ReloadReport? Report, string? Error);
