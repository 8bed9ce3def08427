using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 4200-4249: IKE SA rekeys, by either end (the session's own lines about them are event 4000).
internal static partial class IkeSaLog
{
    // One line per IKE SA a rekey replaced (or a collision made redundant), once its Delete is done or its grace ran
    // out: what an operator greps to follow an identity across its IKE SAs.
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "IKE SA rekeyed: {Identity} at {Remote}, SPI {RetiredSpi} retired, now {InitiatorSpi}_i {ResponderSpi}_r ({ByGateway} by the gateway, {Collisions} collision(s))")]
    public static partial void IkeSaRetired(this ILogger logger, string identity, string remote, string retiredSpi, string initiatorSpi,
        string responderSpi, int byGateway, int collisions);
}
