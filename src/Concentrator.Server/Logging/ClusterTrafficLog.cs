using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 13320-13399: the cluster's own traffic (pool block hand-outs as this node waited for them).
internal static partial class ClusterTrafficLog
{
    [LoggerMessage(EventId = 13320, Level = LogLevel.Information, Message = "pool {Pool}: {Family} block hand-out took {Milliseconds:F1} ms ({Blocks} new block(s), {Asks} ask(s))")]
    public static partial void BlockHandOut(this ILogger logger, string pool, string family, double milliseconds, int blocks, int asks);
}
