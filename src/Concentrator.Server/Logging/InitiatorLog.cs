using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 14000-14099: the initiator role (a connection's start-action, close-action, dpd-action).
internal static partial class InitiatorLog
{
    [LoggerMessage(EventId = 14000, Level = LogLevel.Information, Message = "connection {Connection}: initiating to {Remote} from {Local} (attempt {Attempt})")]
    public static partial void Initiating(this ILogger logger, string connection, string remote, string local, int attempt);

    [LoggerMessage(EventId = 14001, Level = LogLevel.Information, Message = "connection {Connection}: IKE SA up with {Remote}")]
    public static partial void InitiatedUp(this ILogger logger, string connection, string remote);

    [LoggerMessage(EventId = 14002, Level = LogLevel.Warning, Message = "connection {Connection}: attempt to {Remote} failed ({Detail}); next attempt in {Delay}")]
    public static partial void AttemptFailed(this ILogger logger, string connection, string remote, string detail, TimeSpan delay);

    [LoggerMessage(EventId = 14003, Level = LogLevel.Information, Message = "connection {Connection}: IKE SA ended ({End}: {Detail}); {Next}")]
    public static partial void InitiatedEnded(this ILogger logger, string connection, string end, string detail, string next);

    [LoggerMessage(EventId = 14004, Level = LogLevel.Information, Message = "connection {Connection}: trap installed towards {Remote} (reqid {Reqid}): traffic starts the IKE SA")]
    public static partial void TrapInstalled(this ILogger logger, string connection, string remote, uint reqid);

    [LoggerMessage(EventId = 14005, Level = LogLevel.Information, Message = "connection {Connection}: ACQUIRE for {Selector} (reqid {Reqid}): initiating")]
    public static partial void Acquired(this ILogger logger, string connection, string selector, uint reqid);
}
