using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Logging;

// Event ids 12020-12099: reload, log levels and rekeys asked of the host (the node's reload lines are 12000-12019).
internal static partial class HostReloadLog
{
    [LoggerMessage(EventId = 12020, Level = LogLevel.Information, Message = "reload requested ({Trigger}): reading {ConfigFile}")]
    public static partial void ReloadRequested(this ILogger logger, string trigger, string configFile);

    [LoggerMessage(EventId = 12021, Level = LogLevel.Error, Message = "reload refused, still serving the previous configuration: {Error}")]
    public static partial void ReloadRefused(this ILogger logger, string error);

    [LoggerMessage(EventId = 12022, Level = LogLevel.Information, Message = "log level of {Category} set to {Level} (was {Previous}) on request of {Peer}")]
    public static partial void LogLevelSet(this ILogger logger, string category, string level, string previous, string peer);

    [LoggerMessage(EventId = 12023, Level = LogLevel.Information, Message = "rekey of {Sa} requested by {Peer}: {Outcome}")]
    public static partial void RekeyRequested(this ILogger logger, string sa, string peer, string outcome);
}
