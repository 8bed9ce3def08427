using Akka.Hosting;
using Concentrator.Host.Configuration;
using Concentrator.Host.Management;
using Concentrator.Host.Metrics;
using Concentrator.Server.Metrics;
using OpenTelemetry.Metrics;
using Concentrator.Server.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Concentrator.Host.Hosting;

/// <summary>
/// <c>concentrator run</c> as a Generic Host: Akka.Hosting's ActorSystem (configured from the same HOCON as the
/// node), then the node (<see cref="NodeService"/>), then the systemd watchdog; Microsoft.Extensions.Logging under all
/// of it (<see cref="ConsoleLogging"/>); under systemd (Type=notify) SystemdLifetime says READY=1 once every hosted
/// service has started and STOPPING=1 when the stop begins. The management endpoint (<see cref="ManagementEndpoint"/>) is
/// the hosted service after the node, the metrics and status page listener (<see cref="MetricsEndpoint"/>, over the
/// OpenTelemetry meter provider registered before the node) the one after it.
/// </summary>
internal static class ConcentratorHost
{
    public static IHost Build(LoadedConfig loaded, NodeDefinition definition, LogFormat format)
    {
        // No appsettings.json, environment or command-line configuration: HOCON.conf is the configuration.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "concentrator",
            ContentRootPath = Path.GetDirectoryName(loaded.MainFile),
        });
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        // SystemdLifetime + notifier when the service manager started us (parent systemd, or PID 1 with NOTIFY_SOCKET).
        builder.Services.AddSystemd();
        ConsoleLogging.Configure(builder.Logging, builder.Configuration, loaded.Settings.Logging, format);

        builder.Services.AddSingleton(definition);
        builder.Services.AddAkka("concentrator", akka => akka
            .AddHocon(definition.Config, HoconAddMode.Prepend)
            // The host stops the node (Deletes to the clients, interfaces, kernel state) and then the ActorSystem; Akka's
            // own exit hook would terminate the actors underneath that.
            .AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.Logging.LogLevelFor(definition.Config.GetString("akka.loglevel", "INFO"));
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            }));
        if (loaded.Settings.Metrics.IsEnabled)
        {
            // Before the node: the provider listens to the node's Meter from its creation, so nothing counted before
            // the metrics listener is up is lost. Its scrape endpoint is served by MetricsEndpoint.
            builder.Services.AddOpenTelemetry().WithMetrics(m => m
                .AddMeter(ConcentratorMetrics.MeterName)
                .AddPrometheusExporter(o =>
                {
                    // Each scrape reads the counters afresh (no 300 ms cache): a scrape costs microseconds, whatever
                    // the number of SAs, since no series is per SA.
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                    // The metric names carry the concentrator_ prefix already; no otel_scope_* labels or target_info.
                    o.ScopeInfoEnabled = false;
                    o.TargetInfoEnabled = false;
                }));
        }

        builder.Services.AddSingleton<NodeService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeService>());
        // After the node (it asks the node's actors), so before it at stop.
        builder.Services.AddSingleton(loaded.Settings);
        // Reload (SIGHUP, the API) and run-time log levels: after the node, before the API that offers them.
        builder.Services.AddSingleton(loaded);
        builder.Services.AddSingleton<LogLevels>();
        builder.Services.AddSingleton<ConfigReload>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigReload>());
        builder.Services.AddHostedService<ManagementEndpoint>();
        builder.Services.AddSingleton<MetricsEndpoint>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricsEndpoint>());
        if (SystemdHelpers.IsSystemdService())
        {
            builder.Services.AddHostedService<SystemdWatchdog>();
        }

        return builder.Build();
    }
}
