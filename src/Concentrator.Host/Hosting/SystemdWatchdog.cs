using System.Globalization;
using Concentrator.Server.Sa;
using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Concentrator.Host.Logging;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Hosting;

/// <summary>
/// systemd's watchdog (<c>WatchdogSec=</c>), which Microsoft.Extensions.Hosting.Systemd does not serve: when the
/// service manager set <c>WATCHDOG_USEC</c> (and <c>WATCHDOG_PID</c> is unset or this process, as
/// sd_watchdog_enabled(3) reads them), <c>WATCHDOG=1</c> goes to the notify socket every half interval, each time
/// only after the IKE SA dispatcher answered: an actor system that stopped processing misses its pings and systemd
/// restarts the service.
/// </summary>
internal sealed class SystemdWatchdog(NodeService node, ISystemdNotifier notifier, IHostApplicationLifetime lifetime, ILogger<SystemdWatchdog> log) : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    /// <summary>Half the interval systemd asked for, or null when the watchdog is off for this process.</summary>
    public static TimeSpan? Interval(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (!ulong.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec == 0)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(watchdogPid)
            && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec / 2);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled
            || Interval(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId) is not { } interval)
        {
            return;
        }

        // The first ping half an interval after READY=1 (which SystemdLifetime sends when the start completed).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (node.Node is not { } running)
            {
                continue;
            }

            try
            {
                await running.Dispatcher.Ask<IkeSaDispatcherStats>(GetIkeSaDispatcherStats.Instance, interval, stoppingToken).ConfigureAwait(false);
                notifier.Notify(Watchdog);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                log.WatchdogMissed(interval);
            }
        }
    }
}
