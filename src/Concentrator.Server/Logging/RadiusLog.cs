using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 9000-9999: the RADIUS client (RadiusClientActor). (The 8000s are the host's, Concentrator.Host HostLog.)
internal static partial class RadiusLog
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "RADIUS client: servers {Servers}, timeout {Timeout}, {Retries} retransmission(s) each, from {Local}")]
    public static partial void RadiusStarted(this ILogger logger, string servers, TimeSpan timeout, int retries, string local);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "RADIUS server {Server} did not answer {Kind} {Identifier} after {Tries} transmission(s); failing over to {Next}")]
    public static partial void RadiusFailover(this ILogger logger, string server, string kind, byte identifier, int tries, string next);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "RADIUS unavailable for {Kind} (correlation {CorrelationId}): {Reason}")]
    public static partial void RadiusUnavailable(this ILogger logger, string kind, long correlationId, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "RADIUS reply from {Server} dropped: {Reason} (first of its kind; further ones are counted, see RadiusStats)")]
    public static partial void RadiusReplyDropped(this ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "RADIUS send to {Server} failed: {Error}")]
    public static partial void RadiusSendFailed(this ILogger logger, string server, string error);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Warning, Message = "RADIUS accounting record (correlation {CorrelationId}) kept for another round: {Reason}; {Deferred} record(s) waiting")]
    public static partial void RadiusAccountingDeferred(this ILogger logger, long correlationId, string reason, int deferred);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Error, Message = "RADIUS client socket could not be opened: {Error}")]
    public static partial void RadiusSocketFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Debug, Message = "EAP-RADIUS: IKE SA {Spi:x16} relays EAP of '{User}' (correlation {CorrelationId})")]
    public static partial void EapRadiusRelayed(this ILogger logger, ulong spi, string user, long correlationId);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Warning, Message = "IKE SA {Spi:x16} of '{User}': RADIUS assigned Framed-IP-Address {Framed}, which no pool of connection '{Connection}' could lease (outside its pools, or taken); the client got {Given} from the pool")]
    public static partial void FramedIpNotHonoured(this ILogger logger, ulong spi, string user, string framed, string connection, string given);
}
