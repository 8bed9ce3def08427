using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 12000-12019: reloading the connections (ConcentratorNode.ReloadAsync).
internal static partial class ReloadLog
{
    [LoggerMessage(EventId = 12000, Level = LogLevel.Information,
        Message = "reload: added {Added}, removed {Removed} ({Deleted} IKE SA(s) deleted), changed {Changed} (new SAs only), unchanged {Unchanged}")]
    public static partial void Reloaded(this ILogger logger, string added, string removed, int deleted, string changed, string unchanged);

    [LoggerMessage(EventId = 12001, Level = LogLevel.Warning, Message = "reload: the IKE SAs of removed connection '{Connection}' did not all end within {Timeout}; stopping the rest")]
    public static partial void ReloadDeleteTimedOut(this ILogger logger, string connection, TimeSpan timeout);
}
