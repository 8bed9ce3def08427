using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Logging;

// Event ids 10000-10099: the management endpoint.
internal static partial class ManagementLog
{
    [LoggerMessage(EventId = 10000, Level = LogLevel.Information, Message = "management API listening on {Socket} ({Access})")]
    public static partial void ManagementListening(this ILogger logger, string socket, string access);

    [LoggerMessage(EventId = 10001, Level = LogLevel.Error, Message = "management API not available: cannot listen on {Socket}: {Reason}")]
    public static partial void ManagementUnavailable(this ILogger logger, string socket, string reason);

    [LoggerMessage(EventId = 10002, Level = LogLevel.Warning, Message = "management request refused: peer {Peer} is neither root nor in group {Group}")]
    public static partial void ManagementRefused(this ILogger logger, string peer, string group);

    [LoggerMessage(EventId = 10003, Level = LogLevel.Information, Message = "management: {Count} IKE SA(s) terminated on request of {Peer}: {Filter}")]
    public static partial void ManagementTerminated(this ILogger logger, int count, string peer, string filter);
}
