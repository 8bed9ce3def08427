using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Logging;

// Event ids 8000-8999: the host.
internal static partial class HostLog
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Warning, Message = "systemd watchdog: the IKE SA dispatcher did not answer within {Interval}; no WATCHDOG=1 this time")]
    public static partial void WatchdogMissed(this ILogger logger, TimeSpan interval);

    // The version line of `run` in the JSON log, where a plain line would not parse.
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "concentrator {Version} starting with {ConfigFile}")]
    public static partial void Starting(this ILogger logger, string version, string configFile);
}
