using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLevel = Akka.Event.LogLevel;
using MelLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Concentrator.Server.Logging;

/// <summary>
/// An <see cref="ILogger"/> that writes to an actor's <see cref="ILoggingAdapter"/>: where the events of an
/// ActorSystem without the host's logger factory go (TestKit, a node a test starts in process; see
/// <see cref="ServerLogging"/>), with the same text and level.
/// </summary>
internal sealed class AkkaLogger(ILoggingAdapter adapter) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(MelLevel logLevel) => logLevel != MelLevel.None && adapter.IsEnabled(ToAkka(logLevel));

    public void Log<TState>(MelLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        // The rendered text is an argument, never a format: identities and kernel messages may contain braces.
        adapter.Log(ToAkka(logLevel), exception, "{0}", formatter(state, exception));
    }

    internal static AkkaLevel ToAkka(MelLevel level) => level switch
    {
        MelLevel.Trace or MelLevel.Debug => AkkaLevel.DebugLevel,
        MelLevel.Information => AkkaLevel.InfoLevel,
        MelLevel.Warning => AkkaLevel.WarningLevel,
        _ => AkkaLevel.ErrorLevel,
    };

    internal static MelLevel FromAkka(AkkaLevel level) => level switch
    {
        AkkaLevel.DebugLevel => MelLevel.Debug,
        AkkaLevel.InfoLevel => MelLevel.Information,
        AkkaLevel.WarningLevel => MelLevel.Warning,
        _ => MelLevel.Error,
    };
}
