using Akka.Actor;
using Concentrator.Host.Configuration;
using Concentrator.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Tests.Hosting;

/// <summary>The Generic Host of <c>concentrator run</c>: the node runs on Akka.Hosting's ActorSystem, started by the
/// time the host's start completes, and the host stops when that system ends on its own.</summary>
public sealed class ConcentratorHostTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Start_Completed_NodeServesOnTheHostsActorSystem()
    {
        using var host = Build();

        await host.StartAsync();
        var node = host.Services.GetRequiredService<NodeService>().Node;
        Assert.NotNull(node);
        Assert.Same(host.Services.GetRequiredService<ActorSystem>(), node.System);
        Assert.Equal("e2e", Assert.Single(node.Served).Settings.Name);
        await host.StopAsync();

        Assert.True(node.WhenTerminated.IsCompleted);
        Assert.False(host.Services.GetRequiredService<NodeService>().EndedOnItsOwn);
    }

    [Fact]
    public async Task ActorSystemEndsOnItsOwn_HostStopsAndSaysSo()
    {
        using var host = Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<ActorSystem>().Terminate();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.WaitForShutdownAsync(timeout.Token);

        Assert.True(host.Services.GetRequiredService<NodeService>().EndedOnItsOwn);
    }

    [Fact]
    public void LogLevels_ConfigurationChangedAtRunTime_FilterFollows()
    {
        // The hook the log-level verb will use: the levels are the host's Logging:LogLevel configuration, which the
        // logger filter is re-bound from when it reloads.
        using var host = Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Concentrator.Server.Sa.IkeSaActor");
        Assert.False(logger.IsEnabled(LogLevel.Debug));

        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration["Logging:LogLevel:Concentrator.Server.Sa"] = "Debug";
        configuration.Reload();

        Assert.True(logger.IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task Actors_RunOnTheForkJoinExecutor_NotTheDotNetThreadPool()
    {
        // reference.conf moves the default dispatcher off the .NET thread pool (bench/README.md, "CPU per setup").
        using var host = Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        Assert.Equal("fork-join-executor", system.Settings.Config.GetString("akka.actor.default-dispatcher.executor"));
        var probe = system.ActorOf(Props.Create(() => new ThreadProbe()));
        var onPool = await probe.Ask<bool>("where", TimeSpan.FromSeconds(30));
        Assert.False(onPool);
        await host.StopAsync();
    }

    /// <summary>Answers whether its message was processed on a .NET thread-pool thread.</summary>
    private sealed class ThreadProbe : ReceiveActor
    {
        public ThreadProbe() => Receive<string>(_ => Sender.Tell(Thread.CurrentThread.IsThreadPoolThread));
    }

    private IHost Build()
    {
        var (main, _, _) = new TestGateway().Write(_dir);
        var loaded = ConfigLoader.Load(main);
        return ConcentratorHost.Build(loaded, loaded.ToNodeDefinition(), LogFormat.Text);
    }
}
