using Concentrator.Kernel;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Server.Metrics;

/// <summary>The netlink writers' counters (one writer per protocol socket, each packing requests into batches), read
/// by the metrics and by the management API's statistics; the userspace dataplane's kernel has none.</summary>
public static class KernelFigures
{
    public static IReadOnlyList<(string Socket, WriterStatistics Statistics)> Writers(IKernelIpsec? kernel) =>
        kernel is NetlinkKernelIpsec netlink ? [("xfrm", netlink.XfrmWriter.Statistics), ("route", netlink.RouteWriter.Statistics)] : [];

    /// <summary>"SOCKET.batches", "SOCKET.messages" (messages / batches = the mean batch size) and the transport
    /// errors, per writer.</summary>
    public static IReadOnlyDictionary<string, long> Of(IKernelIpsec? kernel)
    {
        var figures = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (socket, s) in Writers(kernel))
        {
            figures[$"{socket}.batches"] = s.Batches;
            figures[$"{socket}.messages"] = s.Messages;
            figures[$"{socket}.overflows"] = s.Overflows;
            figures[$"{socket}.truncations"] = s.Truncations;
            figures[$"{socket}.ack-timeouts"] = s.AckTimeouts;
            figures[$"{socket}.stale-replies"] = s.StaleReplies;
        }

        return figures;
    }
}
