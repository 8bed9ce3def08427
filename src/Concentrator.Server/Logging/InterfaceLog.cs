using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 6000-6999: the interface actor (its XFRM device and the pools' routes through it).
internal static partial class InterfaceLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "{Verb} {Name} (ifindex {Index})")]
    public static partial void DeviceReady(this ILogger logger, string verb, string name, int index);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "cannot create or adopt {Name}: {Failure}")]
    public static partial void DeviceFailed(this ILogger logger, string name, string failure);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "connection {Connection}: cannot route its pools through {Interface}: {Failure}")]
    public static partial void RouteFailed(this ILogger logger, string connection, string @interface, string failure);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "cannot delete {Interface}: {Failure}")]
    public static partial void DeleteFailed(this ILogger logger, string @interface, string failure);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "cannot delete route {Prefix} dev {Interface}: {Failure}")]
    public static partial void RouteDeleteFailed(this ILogger logger, string prefix, string @interface, string failure);
}
