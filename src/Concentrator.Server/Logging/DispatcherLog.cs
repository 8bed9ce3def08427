using System.Net;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 3000-3999: the IKE SA dispatcher (admission of IKE_SA_INIT).
internal static partial class DispatcherLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "IKE: {HalfOpen} half-open SA(s) from {Sources} source(s), peak {Peak}; {Admitted} admitted in the last {Seconds:0} s")]
    public static partial void AdmissionSummary(this ILogger logger, int halfOpen, int sources, int peak, long admitted, double seconds);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "IKE_SA_INIT from {Remote} dropped: {Problem}")]
    public static partial void InitDropped(this ILogger logger, IPEndPoint remote, string problem);
}
