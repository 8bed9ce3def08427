using System.Threading.Channels;

namespace Concentrator.Kernel.Netlink;

/// <summary>Where and how <see cref="NetlinkKernelIpsec"/> talks to the kernel.</summary>
public sealed record NetlinkKernelOptions
{
    /// <summary>Network namespace (e.g. /var/run/netns/NAME) whose kernel tables to manage; null = this process's.</summary>
    public string? NamespacePath { get; init; }

    /// <summary>Writer of the NETLINK_XFRM socket (states, policies).</summary>
    public WriterOptions Xfrm { get; init; } = new();

    /// <summary>Writer of the NETLINK_ROUTE socket (routes, rules, addresses, links): low volume, smaller batches.</summary>
    public WriterOptions Route { get; init; } = new() { MaxBatchMessages = 64, QueueBound = 4096 };

    /// <summary>Subscribe to XFRM expire/acquire events (a third socket).</summary>
    public bool ListenForEvents { get; init; } = true;

    /// <summary>
    /// Policy hash thresholds set once by <see cref="NetlinkKernelIpsec.Open"/>; null leaves the kernel's as they are.
    /// Why not the kernel default (32 32): road-warrior policies have 0.0.0.0/0 on the local side, so the kernel
    /// counts them as inexact and every insert walks all of them. Measured on Debian's 6.1 kernel
    /// (bench/results/guest-install.md): 30,000 policies took 80 s to install with the default and 2.2 s with
    /// hthresh4 0 32.
    /// </summary>
    public PolicyHashThresholds? PolicyHashThresholds { get; init; } = Netlink.PolicyHashThresholds.RoadWarrior;
}

/// <summary>
/// <see cref="IKernelIpsec"/> over netlink: one batching <see cref="NetlinkWriter"/> per protocol (XFRM and
/// ROUTE), so concurrent calls from thousands of IKE SAs become few sendmsg calls, and an
/// <see cref="XfrmEventReader"/> for expires and acquires. Every call completes with the kernel's own answer
/// for that request (errno + extack in <see cref="KernelException"/>). Each request knows how to find out its
/// outcome if its ack is lost (see <see cref="NetlinkRecovery"/>): adds of SAs and policies probe with a GET
/// and compare, deletes and replaces are resent (ESRCH/ENOENT then mean "already done").
/// </summary>
public sealed partial class NetlinkKernelIpsec : IKernelIpsec
{
    private static readonly ChannelReader<KernelEvent> NoEvents = Channel.CreateBounded<KernelEvent>(1).Reader;

    private readonly XfrmEventReader? _events;

    private NetlinkKernelIpsec(NetlinkKernelOptions options, NetlinkWriter xfrm, NetlinkWriter route, XfrmEventReader? events)
    {
        Options = options;
        XfrmWriter = xfrm;
        RouteWriter = route;
        _events = events;
    }

    public NetlinkKernelOptions Options { get; }

    /// <summary>The NETLINK_XFRM writer (statistics, batch limit).</summary>
    public NetlinkWriter XfrmWriter { get; }

    /// <summary>The NETLINK_ROUTE writer.</summary>
    public NetlinkWriter RouteWriter { get; }

    public ChannelReader<KernelEvent> Events => _events?.Events ?? NoEvents;

    public static NetlinkKernelIpsec Open(NetlinkKernelOptions? options = null)
    {
        options ??= new NetlinkKernelOptions();
        NetlinkWriter? xfrm = null;
        NetlinkWriter? route = null;
        try
        {
            xfrm = NetlinkWriter.Open(NetlinkSocket.NetlinkXfrm, options.Xfrm, options.NamespacePath);
            route = NetlinkWriter.Open(NetlinkSocket.NetlinkRoute, options.Route, options.NamespacePath);
            var events = options.ListenForEvents ? XfrmEventReader.Open(options.NamespacePath) : null;
            var ipsec = new NetlinkKernelIpsec(options, xfrm, route, events);
            if (options.PolicyHashThresholds is { } thresholds)
            {
                try
                {
                    ipsec.SetPolicyHashThresholdsAsync(thresholds).AsTask().GetAwaiter().GetResult();
                }
                catch
                {
                    events?.Dispose();
                    throw;
                }
            }

            return ipsec;
        }
        catch
        {
            xfrm?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            route?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// Writes a per-device sysctl such as rp_filter, forwarding or disable_policy
    /// (/proc/sys/net/ipv4/conf/DEV/KEY, or ipv6 with <paramref name="ipv6"/>) in the managed namespace.
    /// </summary>
    public void SetInterfaceSysctl(string interfaceName, string key, string value, bool ipv6 = false) =>
        NetworkNamespace.WriteSysctl(Options.NamespacePath, SysctlKey(interfaceName, key, ipv6), value);

    public string GetInterfaceSysctl(string interfaceName, string key, bool ipv6 = false) =>
        NetworkNamespace.ReadSysctl(Options.NamespacePath, SysctlKey(interfaceName, key, ipv6));

    public async ValueTask DisposeAsync()
    {
        _events?.Dispose();
        await XfrmWriter.DisposeAsync().ConfigureAwait(false);
        await RouteWriter.DisposeAsync().ConfigureAwait(false);
    }

    private static string SysctlKey(string interfaceName, string key, bool ipv6)
    {
        if (interfaceName.Contains('/', StringComparison.Ordinal) || interfaceName.Contains("..", StringComparison.Ordinal)
            || key.Contains('/', StringComparison.Ordinal) || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"bad interface or sysctl name: {interfaceName} {key}");
        }

        return $"net/{(ipv6 ? "ipv6" : "ipv4")}/conf/{interfaceName}/{key}";
    }

    private static async ValueTask<NetlinkReply> Submit(NetlinkWriter writer, NetlinkRequest request)
    {
        await writer.EnqueueAsync(request).ConfigureAwait(false);
        return await request.Completion.ConfigureAwait(false);
    }
}
