using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 1000-1999: the node's start and shutdown lines (ConcentratorNode, on the system's log).
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "dataplane: {Mode} ({Reason})")]
    public static partial void Dataplane(this ILogger logger, string mode, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "leases: {Path}{Skipped}")]
    public static partial void Leases(this ILogger logger, string path, string skipped);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "serving {Connections} on {Locals}{NatT}")]
    public static partial void Serving(this ILogger logger, string connections, string locals, string natT);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "shutdown: {Deleted} IKE SA(s) deleted")]
    public static partial void ShutdownDeleted(this ILogger logger, int deleted);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "shutdown: not every peer answered its Delete within {Timeout}")]
    public static partial void ShutdownDeleteTimedOut(this ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
        Message = "concentrator.ike.allow-modp1024 = on: MODP-1024 (RFC 8247 section 2.4: SHOULD NOT be used, ~80 bits) is accepted by {Proposals}")]
    public static partial void Modp1024Allowed(this ILogger logger, string proposals);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "{Interface} did not detach '{Connection}' in time; flushing owned state instead")]
    public static partial void DetachTimedOut(this ILogger logger, string @interface, string connection);
}
