using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 4300-4349: fetching revocation information (RevocationFetcherActor) and its use by IKE SAs.
internal static partial class RevocationLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Debug, Message = "revocation: fetching {Fetch} for IKE SA {Spi:x16}")]
    public static partial void RevocationFetching(this ILogger logger, string fetch, ulong spi);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "revocation: fetched {Fetch} ({Octets} octets in {Millis:0} ms): {Outcome}")]
    public static partial void RevocationFetched(this ILogger logger, string fetch, int octets, string outcome, double millis);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "revocation: {Fetch} {Outcome} (after {Millis:0} ms)")]
    public static partial void RevocationFetchFailed(this ILogger logger, string fetch, string outcome, double millis);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Debug, Message = "IKE SA {Spi:x16}: IKE_AUTH held while {Count} revocation fetch(es) run: {Fetches}")]
    public static partial void RevocationWaiting(this ILogger logger, ulong spi, int count, string fetches);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "IKE SA {Spi:x16}: revocation information is needed but the node has no fetcher; checked with what is cached")]
    public static partial void RevocationNoFetcher(this ILogger logger, ulong spi);
}
