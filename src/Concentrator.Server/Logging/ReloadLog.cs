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

    // Event ids 12100-12109: a reload undone when applying it failed part way.
    [LoggerMessage(EventId = 12100, Level = LogLevel.Error,
        Message = "reload: connection '{Connection}' could not be applied ({Error}); undone: {Undone}; the previous configuration keeps serving")]
    public static partial void ReloadRolledBack(this ILogger logger, string connection, string error, string undone);

    [LoggerMessage(EventId = 12101, Level = LogLevel.Error, Message = "reload: undoing '{Connection}' failed ({Error}); it may keep routes or a device of the refused configuration")]
    public static partial void ReloadUndoFailed(this ILogger logger, string connection, string error);
}
