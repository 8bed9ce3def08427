using Akka.Actor;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Concentrator.Server.Logging;

/// <summary>
/// Where the Server's source-generated events go: the host's <see cref="ILoggerFactory"/>, which Akka.Hosting puts on
/// the ActorSystem as a <see cref="LoggerFactorySetup"/> (<c>ConfigureLoggers(l => l.AddLoggerFactory())</c>, the
/// same factory Akka's own log events are bridged into). An ActorSystem without one (TestKit, a node started in a
/// test without the host) gets the events on its Akka log stream instead (<see cref="AkkaLogger"/>).
/// </summary>
internal sealed class ServerLogging : IExtension
{
    private static readonly Func<ILogger, string, IDisposable?> ActorScope = LoggerMessage.DefineScope<string>("{ActorPath}");

    private ServerLogging(ILoggerFactory? factory) => Factory = factory;

    /// <summary>The host's factory, or null when the system has none.</summary>
    public ILoggerFactory? Factory { get; }

    public static ServerLogging Get(ActorSystem system) => system.WithExtension<ServerLogging, Provider>();

    /// <summary>The logger of an actor: category <typeparamref name="TActor"/> (so levels are set per namespace or
    /// type), every event in a scope holding the actor's path (which IKE SA, under which interface).
    /// The path is kept as the actor's own <see cref="ActorPath"/> and made a string only when an event is written: an
    /// IKE SA actor lives for hours, writes a few lines, and a node holds a hundred thousand of them.</summary>
    public static ILogger For<TActor>(IActorContext context) => Get(context.System) is { Factory: not null } logging
        ? new ActorPathLogger(logging.Category<TActor>(), context.Self.Path)
        : new AkkaLogger(context.GetLogger());

    /// <summary>The factory's logger of category <typeparamref name="TActor"/>, one for all its actors.</summary>
    private ILogger Category<TActor>() => _categories.GetOrAdd(typeof(TActor), _ => Factory!.CreateLogger<TActor>());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ILogger> _categories = new();

    /// <summary>The logger of something that is not an actor (the node's start and shutdown lines).</summary>
    public static ILogger For<T>(ActorSystem system) => Get(system).Factory is { } factory
        ? factory.CreateLogger<T>()
        : new AkkaLogger(system.Log);

    private sealed class Provider : ExtensionIdProvider<ServerLogging>
    {
        public override ServerLogging CreateExtension(ExtendedActorSystem system)
        {
            var setup = system.Settings.Setup.Get<LoggerFactorySetup>();
            return new ServerLogging(setup.HasValue ? setup.Value.LoggerFactory : null);
        }
    }

    private sealed class ActorPathLogger(ILogger inner, ActorPath path) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            using (ActorScope(inner, path.ToString()))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
