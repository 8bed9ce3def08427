using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Logging;

// Event ids 2000-2999: the IKE socket actor (binding, sending, dropped datagrams).
internal static partial class SocketLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "IKE: {Summary}")]
    public static partial void DropSummary(this ILogger logger, string summary);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "IKE: {Failure}")]
    public static partial void StartFailed(this ILogger logger, string failure);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "IKE: cannot bind {Error}")]
    public static partial void CannotBind(this ILogger logger, string error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "IKE listening on {Endpoints}")]
    public static partial void Listening(this ILogger logger, string endpoints);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "IKE: {Local}: no IPsec bypass policy ({Error}); kernel XFRM policies could capture IKE")]
    public static partial void NoBypassPolicy(this ILogger logger, EndPoint? local, SocketError error);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "IKE: send to {Remote} failed: {Error}")]
    public static partial void SendFailed(this ILogger logger, IPEndPoint remote, SocketError error);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "IKE: no socket bound to {Local}, message to {Remote} dropped")]
    public static partial void NoSocketBound(this ILogger logger, IPEndPoint local, IPEndPoint remote);
}
