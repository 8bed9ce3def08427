using System.Diagnostics.Metrics;
using Concentrator.Kernel;
using Concentrator.Kernel.Netlink;
using Concentrator.Kernel.Userspace;
using Concentrator.Server.Network;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Metrics;

/// <summary>
/// The observable instruments of a node: read when a reader (the Prometheus scrape) collects, from counters their
/// owners keep anyway and publish thread-safely: datagram drops and cookies (<see cref="DatagramDrops"/>, the same
/// atomics as the management API's <c>stats</c>), pools (<see cref="PoolAllocator.Snapshot"/>, under the allocator's
/// lock, as <c>pools</c> reads them), the netlink writers' batches and errors (<see cref="WriterStatistics"/>), the
/// userspace dataplane's packets and drops (<see cref="DataplaneCounters"/>) and the ipsecN devices' own counters
/// (<see cref="InterfaceCounters"/>).
/// </summary>
public static class NodeObservations
{
    /// <summary>The instruments over a node's facts: the pools and ipsecN devices of the connections
    /// <paramref name="served"/> returns when a reader collects (a reload replaces them).</summary>
    public static void Register(ConcentratorMetrics metrics, DatagramDrops drops, Func<IReadOnlyList<ServedConnection>> served, IKernelIpsec kernel)
    {
        ArgumentNullException.ThrowIfNull(served);
        Register(metrics, drops, () => [.. served().SelectMany(c => c.Pools.Pools).Distinct()],
            () => [.. served().Select(c => c.Settings.IpsecInterface.InterfaceName).OfType<string>().Distinct(StringComparer.Ordinal)], kernel);
    }

    /// <summary>The instruments over the <paramref name="pools"/>, the ipsecN <paramref name="devices"/> (each read at
    /// every collection) and the dataplane of <paramref name="kernel"/>.</summary>
    public static void Register(ConcentratorMetrics metrics, DatagramDrops drops, Func<IReadOnlyList<PoolAllocator>> pools, Func<IReadOnlyList<string>> devices, IKernelIpsec kernel)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(drops);
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(devices);
        var meter = metrics.Meter;
        meter.CreateObservableCounter("concentrator.datagram.drops", () => Drops(drops.Snapshot()), "{datagram}",
            "Datagrams on the IKE ports that ended before any IKE SA, by reason");
        meter.CreateObservableCounter("concentrator.ike.cookies_sent", () => drops.Snapshot().NoCookie, "{cookie}",
            "IKE_SA_INIT requests answered with N(COOKIE) instead of state (RFC 7296 2.6)");

        meter.CreateObservableGauge("concentrator.pool.size", () => Pools(pools, p => (long)Math.Min(p.Size, long.MaxValue)), "{address}",
            "Addresses of each virtual IP pool");
        meter.CreateObservableGauge("concentrator.pool.leased", () => Pools(pools, p => p.Leased), "{address}",
            "Addresses of each pool held by live IKE SAs");
        meter.CreateObservableGauge("concentrator.pool.remembered", () => Pools(pools, p => p.Remembered), "{address}",
            "Addresses of each pool kept for an identity, leased or not (what is not free)");

        RegisterInterfaces(meter, devices);

        if (KernelFigures.Writers(kernel) is { Count: > 0 } writers)
        {
            RegisterWriters(meter, writers);
        }

        if (kernel is UserspaceKernelIpsec userspace)
        {
            RegisterDataplane(meter, userspace.Counters);
        }
    }

    private static Measurement<long>[] Drops(DatagramDropCounts d) =>
    [
        new(d.Malformed, new KeyValuePair<string, object?>("reason", "malformed")),
        new(d.NoCookie, new KeyValuePair<string, object?>("reason", "no-cookie")),
        new(d.OverLimit, new KeyValuePair<string, object?>("reason", "over-half-open-limit")),
        new(d.Backlog, new KeyValuePair<string, object?>("reason", "backlog")),
        new(d.UnknownSpi, new KeyValuePair<string, object?>("reason", "unknown-spi")),
    ];

    private static IEnumerable<Measurement<long>> Pools(
        Func<IReadOnlyList<PoolAllocator>> allocators, Func<(System.Net.IPNetwork Prefix, ulong Size, int Leased, int Remembered), long> value) =>
        allocators().SelectMany(a => a.Snapshot()).Select(p => new Measurement<long>(value(p), new KeyValuePair<string, object?>("pool", p.Prefix.ToString())));

    private static void RegisterInterfaces(Meter meter, Func<IReadOnlyList<string>> devices)
    {
        IEnumerable<Measurement<long>> Read(Func<InterfaceCounters, long> value) =>
            devices().Select(d => (Device: d, Counters: InterfaceCounters.Read(d)))
                .Where(x => x.Counters is not null)
                .Select(x => new Measurement<long>(value(x.Counters!), new KeyValuePair<string, object?>(MetricTags.Interface, x.Device)));

        meter.CreateObservableCounter("concentrator.interface.receive", () => Read(c => c.ReceiveBytes), "By",
            "Bytes the ipsecN device received (out of the tunnels, decrypted), from the kernel's device counters");
        meter.CreateObservableCounter("concentrator.interface.transmit", () => Read(c => c.TransmitBytes), "By",
            "Bytes the ipsecN device transmitted (routed into the tunnels), from the kernel's device counters");
        meter.CreateObservableCounter("concentrator.interface.receive.packets", () => Read(c => c.ReceivePackets), "{packet}",
            "Packets the ipsecN device received");
        meter.CreateObservableCounter("concentrator.interface.transmit.packets", () => Read(c => c.TransmitPackets), "{packet}",
            "Packets the ipsecN device transmitted");
        meter.CreateObservableCounter("concentrator.interface.receive.drops", () => Read(c => c.ReceiveDrops), "{packet}",
            "Packets the ipsecN device dropped on receive");
        meter.CreateObservableCounter("concentrator.interface.transmit.drops", () => Read(c => c.TransmitDrops), "{packet}",
            "Packets the ipsecN device dropped on transmit (e.g. no policy or SA)");
    }

    private static void RegisterWriters(Meter meter, IReadOnlyList<(string Socket, WriterStatistics Statistics)> writers)
    {
        IEnumerable<Measurement<long>> Each(Func<WriterStatistics, long> value) =>
            writers.Select(w => new Measurement<long>(value(w.Statistics), new KeyValuePair<string, object?>("socket", w.Socket)));

        meter.CreateObservableCounter("concentrator.netlink.batches", () => Each(s => s.Batches), "{batch}",
            "sendmsg calls of the netlink writers (messages / batches = the mean batch size)");
        meter.CreateObservableCounter("concentrator.netlink.messages", () => Each(s => s.Messages), "{message}",
            "Netlink requests sent, in batches");
        meter.CreateObservableCounter("concentrator.netlink.errors", () => writers.SelectMany(w => new Measurement<long>[]
        {
            new(w.Statistics.Overflows, new("socket", w.Socket), new("kind", "overflow")),
            new(w.Statistics.Truncations, new("socket", w.Socket), new("kind", "truncation")),
            new(w.Statistics.AckTimeouts, new("socket", w.Socket), new("kind", "ack-timeout")),
            new(w.Statistics.StaleReplies, new("socket", w.Socket), new("kind", "stale-reply")),
        }), "{error}", "Netlink transport errors: acks dropped by the kernel (ENOBUFS), truncated replies, acks not received in time, replies matching no request");
    }

    private static void RegisterDataplane(Meter meter, DataplaneCounters counters)
    {
        meter.CreateObservableCounter("concentrator.dataplane.packets", () => new Measurement<long>[]
        {
            new(counters.InboundPackets, new KeyValuePair<string, object?>("direction", "in")),
            new(counters.OutboundPackets, new KeyValuePair<string, object?>("direction", "out")),
        }, "{packet}", "ESP packets the userspace dataplane decrypted (in) and encrypted (out)");
        meter.CreateObservableCounter("concentrator.dataplane.drops",
            () => Enum.GetValues<EspDrop>().Select(r => new Measurement<long>(counters[r], new KeyValuePair<string, object?>("reason", r.ToString()))),
            "{packet}", "Packets the userspace dataplane dropped, by reason (its /proc/net/xfrm_stat)");
    }
}
