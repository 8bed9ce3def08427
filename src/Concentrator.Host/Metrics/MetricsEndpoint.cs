using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Host.Configuration;
using Concentrator.Host.Hosting;
using Concentrator.Host.Logging;
using Concentrator.Server.Config;
using Concentrator.Server.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Concentrator.Host.Metrics;

/// <summary>
/// The metrics and status page listener (<c>concentrator.metrics.listen</c>) as a hosted service after the node:
/// a small Kestrel application on one TCP endpoint serving <c>GET /metrics</c> (OpenTelemetry's Prometheus exporter
/// over the host's <see cref="MeterProvider"/>, which listens to the Meter "Concentrator" from before the node
/// starts) and <c>GET /</c>, <c>/status</c> (<see cref="StatusPage"/>, from the same questions the management API asks
/// of a <see cref="ManagementActor"/>). It is its own Kestrel application rather than a second endpoint of the
/// management API's: that one admits every request by SO_PEERCRED, which a TCP peer has not, and it may be absent
/// (no socket) while this one must not (an address that cannot be bound stops the start, naming the key). A
/// sampler asks for the statistics every <see cref="MetricsSettings.HistoryInterval"/> for the setup-rate history.
/// </summary>
internal sealed class MetricsEndpoint(NodeService node, HostSettings settings, IServiceProvider services, ILoggerFactory loggerFactory)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = loggerFactory.CreateLogger("Concentrator.Host.Metrics");
    private readonly CancellationTokenSource _stop = new();
    private WebApplication? _app;
    private Task _sampler = Task.CompletedTask;
    private int _disposed;

    /// <summary>The address the listener is bound to (its port when 0 was asked for); null when off.</summary>
    public string? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var metrics = settings.Metrics;
        if (metrics.Listen is not { } listen || node.Node is not { } running)
        {
            return;
        }

        var meterProvider = services.GetRequiredService<MeterProvider>();
        var status = running.System.ActorOf(ManagementActor.Props(running), "status");
        var history = new SetupRateHistory(metrics.HistoryLength);
        var dataplane = running.Dataplane.Mode.ToString().ToLowerInvariant();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "concentrator" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(listen));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggerFactory);
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider, null, null);
        RequestDelegate page = context => PageAsync(context, status, history, metrics.HistoryInterval, dataplane);
        app.MapGet("/", page);
        app.MapGet("/status", page);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new ConfigException(metrics.File, MetricsSettings.ListenKey,
                $"expected an address this host can listen on, cannot listen on {listen}: {e.Message}");
        }

        _app = app;
        Address = app.Urls.Select(u => new Uri(u).Authority).FirstOrDefault() ?? listen.ToString();
        _sampler = SampleAsync(status, history, metrics.HistoryInterval, _stop.Token);
        _log.MetricsListening(Address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampler.ConfigureAwait(false);
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Disposed twice (as itself and as the hosted service the container made from it): the second time does nothing.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleAsync(IActorRef status, SetupRateHistory history, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    var s = await status.Ask<Statistics>(GetStatistics.Instance, ManagementActor.AskTimeout, stop).ConfigureAwait(false);
                    history.Add(DateTimeOffset.UtcNow, s.Setups, s.Failures.Values.Sum());
                }
                catch (AskTimeoutException e)
                {
                    _log.SampleSkipped(e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task PageAsync(HttpContext context, IActorRef status, SetupRateHistory history, TimeSpan interval, string dataplane)
    {
        StatusView view;
        try
        {
            var aborted = context.RequestAborted;
            var statistics = status.Ask<Statistics>(GetStatistics.Instance, ManagementActor.AskTimeout, aborted);
            var pools = status.Ask<PoolList>(ListPools.Instance, ManagementActor.AskTimeout, aborted);
            var interfaces = status.Ask<InterfaceList>(ListInterfaces.Instance, ManagementActor.AskTimeout, aborted);
            view = new StatusView(await statistics.ConfigureAwait(false), await pools.ConfigureAwait(false), await interfaces.ConfigureAwait(false),
                history.Samples, interval, dataplane, DateTimeOffset.UtcNow);
        }
        catch (AskTimeoutException e)
        {
            _log.StatusUnavailable(e.Message);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("the concentrator did not answer in time\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(StatusPage.Render(view), context.RequestAborted).ConfigureAwait(false);
    }
}
