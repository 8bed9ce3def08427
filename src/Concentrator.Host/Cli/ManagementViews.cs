using System.Globalization;
using System.Text;
using Concentrator.Server.Management;

namespace Concentrator.Host.Cli;

/// <summary>The human views of the management API's answers (the verbs' default; <c>--json</c> prints the answer as is).</summary>
internal static class ManagementViews
{
    public static string Sas(IReadOnlyList<SaSummary> sas, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sas);
        if (sas.Count == 0)
        {
            return "no IKE SAs\n";
        }

        return TextTable.Render(
            ["ID", "CONNECTION", "INTERFACE", "IDENTITY", "REMOTE", "VIRTUAL-IP", "UP"],
            sas.OrderBy(s => s.EstablishedAt).Select(s => (IReadOnlyList<string>)[
                s.Id, s.Connection, s.Interface, s.Identity ?? "-", s.Remote, s.VirtualIps.Count == 0 ? "-" : string.Join(",", s.VirtualIps),
                Age(now - s.EstablishedAt)]))
            + $"{sas.Count} IKE SA(s)\n";
    }

    /// <summary><c>list-sas --cluster</c>: every member's SAs, each row naming its node, then the members that did not answer.</summary>
    public static string ClusterSas(ClusterSaList list, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(list);
        var text = new StringBuilder();
        if (list.Sas.Count == 0)
        {
            text.Append("no IKE SAs\n");
        }
        else
        {
            text.Append(TextTable.Render(
                ["NODE", "ID", "CONNECTION", "INTERFACE", "IDENTITY", "REMOTE", "VIRTUAL-IP", "UP"],
                list.Sas.OrderBy(s => s.Node, StringComparer.Ordinal).ThenBy(s => s.EstablishedAt).Select(s => (IReadOnlyList<string>)[
                    s.Node ?? "-", s.Id, s.Connection, s.Interface, s.Identity ?? "-", s.Remote, s.VirtualIps.Count == 0 ? "-" : string.Join(",", s.VirtualIps),
                    Age(now - s.EstablishedAt)])));
        }

        text.Append(CultureInfo.InvariantCulture, $"{list.Sas.Count} IKE SA(s) on {list.Nodes.Count(n => n.Answered)} of {list.Nodes.Count} member(s)\n");
        foreach (var silent in list.Nodes.Where(n => !n.Answered))
        {
            text.Append(CultureInfo.InvariantCulture, $"{silent.Node}: {silent.Problem}\n");
        }

        return text.ToString();
    }

    /// <summary><c>terminate --cluster</c>: what each member deleted.</summary>
    public static string ClusterTerminated(ClusterSasTerminated terminated)
    {
        ArgumentNullException.ThrowIfNull(terminated);
        var text = new StringBuilder();
        foreach (var node in terminated.Nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{node.Node}: {(!node.Answered ? node.Problem : node.Ids.Count == 0 ? "no IKE SA matched" : $"terminated {node.Ids.Count} IKE SA(s): {string.Join(", ", node.Ids)}")}\n");
        }

        return text.ToString();
    }

    public static string Sa(SaDetail sa, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sa);
        var s = sa.Summary;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{s.Id}: {sa.State}, connection {s.Connection} on {s.Interface}{(s.Node is null ? "" : $" of {s.Node}")}\n")
            .Append(CultureInfo.InvariantCulture, $"  identity     {s.Identity ?? "-"}\n")
            .Append(CultureInfo.InvariantCulture, $"  remote       {s.Remote}{(sa.NatDetected ? " (behind NAT)" : "")}\n")
            .Append(CultureInfo.InvariantCulture, $"  local        {s.Local}\n")
            .Append(CultureInfo.InvariantCulture, $"  virtual IP   {(s.VirtualIps.Count == 0 ? "-" : string.Join(", ", s.VirtualIps))}\n")
            .Append(CultureInfo.InvariantCulture, $"  SPIs         {sa.InitiatorSpi}_i {sa.ResponderSpi}_r\n")
            .Append(CultureInfo.InvariantCulture, $"  IKE          {sa.IkeAlgorithms}\n")
            .Append(CultureInfo.InvariantCulture, $"  established  {s.EstablishedAt:u} ({Age(now - s.EstablishedAt)} ago)\n");
        foreach (var c in sa.ChildSas)
        {
            text.Append(CultureInfo.InvariantCulture, $"  CHILD SA     ESP {c.InboundSpi}_i {c.OutboundSpi}_o {c.Algorithms}{(c.UdpEncapsulation ? " udp-encap" : "")}\n")
                .Append(CultureInfo.InvariantCulture, $"               {string.Join(",", c.LocalSelectors)} === {string.Join(",", c.RemoteSelectors)}\n");
        }

        return text.ToString();
    }

    public static string Pools(PoolList pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        return TextTable.Render(["POOL", "SIZE", "LEASED", "FREE", "CONNECTIONS"],
            pools.Pools.Select(p => (IReadOnlyList<string>)[p.Prefix, Number(p.Size), Number(p.Leased), Number(p.Free), string.Join(",", p.Connections)]));
    }

    public static string Connections(ConnectionList connections)
    {
        ArgumentNullException.ThrowIfNull(connections);
        return TextTable.Render(["CONNECTION", "LOCAL", "REMOTE", "INTERFACE", "POOLS", "LOCAL-TS", "SAS"],
            connections.Connections.Select(c => (IReadOnlyList<string>)[
                c.Name, $"{(c.LocalId.Length == 0 ? "(address)" : c.LocalId)} {c.LocalAuth}", $"{c.RemoteId} {c.RemoteAuth}", c.Interface,
                c.Pools.Count == 0 ? "-" : string.Join(",", c.Pools), string.Join(",", c.LocalTs), Number(c.IkeSas)]));
    }

    public static string Interfaces(InterfaceList interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        return TextTable.Render(["INTERFACE", "INDEX", "CREATED", "CONNECTIONS", "ROUTES", "SAS", "RX BYTES/PKTS", "TX BYTES/PKTS"],
            interfaces.Interfaces.Select(i => (IReadOnlyList<string>)[
                i.Name, i.Index is { } index ? Number(index) : "-", i.Index is null ? "-" : i.Managed ? "yes" : "adopted",
                string.Join(",", i.Connections), i.Routes.Count == 0 ? "-" : string.Join(",", i.Routes), Number(i.Sas),
                i.Traffic is { } t ? $"{Number(t.ReceiveBytes)}/{Number(t.ReceivePackets)}" : "-",
                i.Traffic is { } u ? $"{Number(u.TransmitBytes)}/{Number(u.TransmitPackets)}" : "-"]));
    }

    public static string Stats(Statistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "IKE SAs established now", Number(stats.Established) },
            new[] { "IKE SAs half-open now", Number(stats.HalfOpen) },
            new[] { "setups since start", Number(stats.Setups) },
            new[] { "handshakes started", Number(stats.HandshakesStarted) },
            new[] { "cookies sent", Number(stats.CookiesSent) },
            new[] { "peers dead (DPD)", Number(stats.DeadPeers) },
            new[] { "IKE SA rekeys", Number(stats.IkeRekeys) },
            new[] { "CHILD SA rekeys", Number(stats.ChildRekeys) },
            new[] { "initiations started", Number(stats.Initiations) },
        };
        rows.AddRange(stats.Failures.OrderByDescending(f => f.Value).Select(f => (IReadOnlyList<string>)[$"failed: {f.Key}", Number(f.Value)]));
        rows.AddRange(stats.InitiationFailures.OrderByDescending(f => f.Value)
            .Select(f => (IReadOnlyList<string>)[$"initiation failed: {f.Key}", Number(f.Value)]));
        rows.AddRange(stats.Drops.Select(d => (IReadOnlyList<string>)[$"dropped: {d.Key}", Number(d.Value)]));
        rows.AddRange(stats.Kernel.Select(k => (IReadOnlyList<string>)[$"netlink {k.Key}", Number(k.Value)]));
        rows.AddRange(stats.ClusterMessages.Select(m => (IReadOnlyList<string>)[$"cluster messages sent: {m.Key}", Number(m.Value)]));
        rows.AddRange(stats.ClusterReplicatedWrites.Select(w => (IReadOnlyList<string>)[$"cluster local writes: {w.Key}", Number(w.Value)]));
        if (stats.ClusterMessages.Count > 0)
        {
            rows.Add(["pool blocks handed out", Number(stats.BlockHandOuts)]);
        }

        return TextTable.Render(["COUNTER", "VALUE"], rows);
    }

    /// <summary>A duration as operators read it: 45s, 12m03s, 5h07m, 3d04h.</summary>
    public static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 0 } => "0s",
        { TotalMinutes: < 1 } => $"{(int)age.TotalSeconds}s",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes}m{age.Seconds:00}s",
        { TotalDays: < 1 } => $"{(int)age.TotalHours}h{age.Minutes:00}m",
        _ => $"{(int)age.TotalDays}d{age.Hours:00}h",
    };

    private static string Number<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
