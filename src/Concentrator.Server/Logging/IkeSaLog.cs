using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 4000-4999: the IKE SA actor.
internal static partial class IkeSaLog
{
    // The pure session (Concentrator.Ike) decides its lines as IkeSaEffect.Log; they all come out as this one event,
    // at the level the session chose.
    [LoggerMessage(EventId = 4000, EventName = "IkeSaSessionEvent", Message = "{Text}")]
    public static partial void SessionEvent(this ILogger logger, LogLevel level, string text, Exception? exception);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "{Sa}: {Home} did not take the established SA within {Timeout}; it ends")]
    public static partial void HandoverTimedOut(this ILogger logger, string sa, string home, TimeSpan timeout);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "{Sa}: established SA moved under {Parent}")]
    public static partial void HandedOver(this ILogger logger, object sa, object parent);

    // One line per IKE SA at each end of its life, with what an operator greps or a collector indexes. Bytes are not
    // in it: the CHILD SAs' counters are in the kernel (IKernelIpsec.QuerySaAsync), which this actor does not ask.
    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "IKE SA established: {Identity} at {Remote}, virtual IP {VirtualIp}, connection {Connection} on {InterfaceName}, IKE {IkeAlgorithms}, ESP {EspAlgorithms}")]
    public static partial void SaEstablished(this ILogger logger, string identity, string remote, string virtualIp, string connection,
        string interfaceName, string ikeAlgorithms, string espAlgorithms);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "IKE SA deleted: {Identity} at {Remote}, virtual IP {VirtualIp}, connection {Connection} on {InterfaceName}, IKE {IkeAlgorithms}, ESP {EspAlgorithms}, up {DurationSeconds:F1} s ({Reason}), in {BytesIn} bytes/{PacketsIn} packets, out {BytesOut} bytes/{PacketsOut} packets")]
    public static partial void SaDeleted(this ILogger logger, string identity, string remote, string virtualIp, string connection,
        string interfaceName, string ikeAlgorithms, string espAlgorithms, double durationSeconds, string reason,
        ulong bytesIn, ulong packetsIn, ulong bytesOut, ulong packetsOut);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "{Sa}: IKE_AUTH waits for the EAP backend, relayed to {Relay}")]
    public static partial void EapRelayed(this ILogger logger, object sa, object relay);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "{Sa}: the EAP backend answered pending but connection {Connection} has no EAP relay")]
    public static partial void EapNoRelay(this ILogger logger, object sa, string connection);
}
