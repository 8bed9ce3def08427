using Concentrator.Ike.Sa;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 7000-7999: identities (7000s) and address pools (7100s).
internal static partial class IdentityLog
{
    // The identity renders through IkeIdentity.ToString, which escapes it.
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "{Identity}: a newer IKE SA replaces {Older}{InitialContact}")]
    public static partial void Replaced(this ILogger logger, IkeIdentity identity, string older, string initialContact);

    // PoolAllocator decides its lines and their level (Concentrator.Server.Runtime); they come out as this one event.
    [LoggerMessage(EventId = 7100, EventName = "PoolEvent", Message = "{Connection}: {Line}")]
    public static partial void PoolEvent(this ILogger logger, LogLevel level, string connection, string line);
}
