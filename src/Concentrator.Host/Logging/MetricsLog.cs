using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Logging;

// Event ids 11000-11099: the metrics and status page listener.
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 11000, Level = LogLevel.Information, Message = "metrics listening on http://{Address}/metrics, status page on http://{Address}/status")]
    public static partial void MetricsListening(this ILogger logger, string address);

    [LoggerMessage(EventId = 11001, Level = LogLevel.Warning, Message = "status page: the setup-rate sample was skipped: {Reason}")]
    public static partial void SampleSkipped(this ILogger logger, string reason);

    [LoggerMessage(EventId = 11002, Level = LogLevel.Warning, Message = "status page: the concentrator did not answer in time: {Reason}")]
    public static partial void StatusUnavailable(this ILogger logger, string reason);
}
