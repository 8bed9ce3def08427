using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 14100-14119: the addresses the interface actor puts on its ipsecN (a connection's interface-ip).
internal static partial class InterfaceAddressLog
{
    [LoggerMessage(EventId = 14100, Level = LogLevel.Information, Message = "address {Address} on {Interface} ({Verb})")]
    public static partial void AddressAdded(this ILogger logger, Concentrator.Server.Config.InterfaceAddress address, string @interface, string verb);

    [LoggerMessage(EventId = 14101, Level = LogLevel.Error, Message = "cannot put address {Address} on {Interface}: {Failure}")]
    public static partial void AddressFailed(this ILogger logger, Concentrator.Server.Config.InterfaceAddress address, string @interface, string failure);

    [LoggerMessage(EventId = 14102, Level = LogLevel.Information, Message = "address {Address} removed from {Interface}")]
    public static partial void AddressRemoved(this ILogger logger, Concentrator.Server.Config.InterfaceAddress address, string @interface);

    [LoggerMessage(EventId = 14103, Level = LogLevel.Warning, Message = "cannot remove address {Address} from {Interface}: {Failure}")]
    public static partial void AddressDeleteFailed(this ILogger logger, Concentrator.Server.Config.InterfaceAddress address, string @interface, string failure);
}
