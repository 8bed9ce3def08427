using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 5000-5999: the kernel actor.
internal static partial class KernelLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "kernel: {Command} took {Seconds:F1} s")]
    public static partial void SlowCommand(this ILogger logger, string command, double seconds);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "kernel: {Failure}{Rollback}")]
    public static partial void CommandFailed(this ILogger logger, string failure, string rollback);
}
