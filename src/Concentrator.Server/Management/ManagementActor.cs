using Akka.Actor;
using Concentrator.Kernel;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Kernel;
using Concentrator.Server.Metrics;
using Concentrator.Server.Network;
using Concentrator.Server.Runtime;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Management;

/// <summary>
/// The management API's actor side (<c>/user/management</c>): answers the operator's questions from the actors that
/// own the state, never by reading their fields from another thread. Established IKE SAs are listed, shown and
/// terminated by the interface actors that supervise them (each keeps its SAs' summaries); half-open counts and
/// handshake failures come from the dispatcher; pools from their allocators (which lock); drops from the node's
/// atomic counters. Every question is answered by one message, or by <see cref="Status.Failure"/> when an owner
/// did not answer within <see cref="AskTimeout"/>.
/// </summary>
public sealed class ManagementActor : ReceiveActor
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly IActorRef _dispatcher;
    private readonly IActorRef _kernel;
    private readonly Func<IReadOnlyList<ServedConnection>> _current;
    private readonly DatagramDrops _drops;
    private readonly ConcentratorMetrics? _metrics;
    private readonly IKernelIpsec? _kernelIpsec;
    private readonly bool _clustered;

    /// <param name="served">The connections served now (a reload replaces the node's list as a whole; each question
    /// reads it once).</param>
    /// <param name="metrics">The node's instruments (dead peers, rekeys for the statistics).</param>
    /// <param name="kernelIpsec">The kernel implementation (its netlink writers' figures for the statistics).</param>
    /// <param name="clustered">A cluster node: the statistics carry its cluster traffic.</param>
    public ManagementActor(IActorRef dispatcher, IActorRef kernel, Func<IReadOnlyList<ServedConnection>> served, DatagramDrops drops,
        ConcentratorMetrics? metrics = null, IKernelIpsec? kernelIpsec = null, bool clustered = false)
    {
        _clustered = clustered;
        _metrics = metrics;
        _kernelIpsec = kernelIpsec;
        _dispatcher = dispatcher;
        _kernel = kernel;
        _current = served;
        _drops = drops;
        Receive<ListSas>(l => Reply(ListAsync(l)));
        Receive<ShowSa>(s => Reply(ShowAsync(s)));
        Receive<TerminateSas>(t => Reply(TerminateAsync(t)));
        Receive<RekeySa>(r => Reply(RekeyAsync(r)));
        Receive<ListPools>(_ => Sender.Tell(Pools()));
        Receive<ListInterfaces>(_ => Reply(InterfacesAsync()));
        Receive<ListConnections>(_ => Reply(ConnectionsAsync()));
        Receive<GetStatistics>(_ => Reply(StatisticsAsync()));
    }

    /// <summary>The management actor of <paramref name="node"/>.</summary>
    public static Props Props(ConcentratorNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Akka.Actor.Props.Create(() => new ManagementActor(node.Dispatcher, node.KernelActor, () => node.Served, node.Drops, node.Metrics, node.KernelIpsec,
            node.ClusterMember != null));
    }

    private void Reply<T>(Task<T> answer) => answer.PipeTo(Sender, failure: e => new Status.Failure(e));

    private IReadOnlyList<IActorRef> Homes => _current().Select(c => c.Interface).Distinct().ToList();

    private Task<T[]> AskHomes<T>(object question) => AskHomes<T>(Homes, question);

    private static Task<T[]> AskHomes<T>(IReadOnlyList<IActorRef> homes, object question) => Task.WhenAll(homes.Select(h => h.Ask<T>(question, AskTimeout)));

    private async Task<SaList> ListAsync(ListSas list)
    {
        var lists = await AskHomes<SaList>(list).ConfigureAwait(false);
        var sas = lists.Length == 1 ? lists[0].Sas : [.. lists.SelectMany(l => l.Sas)];
        if (sas.Count == 0)
        {
            return new SaList(sas);
        }

        // Each SA's bytes and packets, read by the kernel actor in one pass over what the listed SAs installed.
        // The gateway has a few local addresses, not one per SA: each distinct one parsed once.
        var locals = new Dictionary<string, System.Net.IPAddress>(sas.Count, StringComparer.Ordinal);
        var parsed = new Dictionary<string, System.Net.IPAddress?>(StringComparer.Ordinal);
        foreach (var sa in sas)
        {
            if (!parsed.TryGetValue(sa.Local, out var local))
            {
                parsed[sa.Local] = local = System.Net.IPEndPoint.TryParse(sa.Local, out var endpoint) ? endpoint.Address : null;
            }

            if (local is not null)
            {
                locals[sa.Id] = local;
            }
        }

        var traffic = await _kernel.Ask<TrafficByOwner>(new ReadTrafficByOwner(locals), AskTimeout).ConfigureAwait(false);
        return new SaList([.. sas.Select(sa => sa with
        {
            Traffic = traffic.Counters.TryGetValue(sa.Id, out var c) && (c.InboundOctets | c.InboundPackets | c.OutboundOctets | c.OutboundPackets) != 0
                ? new SaTraffic(c.InboundOctets, c.InboundPackets, c.OutboundOctets, c.OutboundPackets)
                : SaTraffic.Zero,   // an idle SA's (most of a held 100,000) shares one instance
        })]);
    }

    private async Task<object> RekeyAsync(RekeySa rekey)
    {
        var answers = await AskHomes<object>(rekey).ConfigureAwait(false);
        return answers.OfType<SaRekeyed>().FirstOrDefault() ?? (object)new SaNotFound(rekey.Id);
    }

    private async Task<object> ShowAsync(ShowSa show)
    {
        var answers = await AskHomes<object>(show).ConfigureAwait(false);
        return answers.OfType<SaDetail>().FirstOrDefault() ?? (object)new SaNotFound(show.Id);
    }

    private async Task<SasTerminated> TerminateAsync(TerminateSas terminate)
    {
        var answers = await AskHomes<SasTerminated>(terminate).ConfigureAwait(false);
        return new SasTerminated([.. answers.SelectMany(a => a.Ids)]);
    }

    private PoolList Pools()
    {
        var byAllocator = new Dictionary<PoolAllocator, List<string>>(ReferenceEqualityComparer.Instance);
        foreach (var connection in _current())
        {
            foreach (var allocator in connection.Pools.Pools)
            {
                if (!byAllocator.TryGetValue(allocator, out var names))
                {
                    byAllocator[allocator] = names = [];
                }

                names.Add(connection.Settings.Name);
            }
        }

        return new PoolList([.. byAllocator.SelectMany(kv => kv.Key.Snapshot().Select(p =>
            new PoolInfo(p.Prefix.ToString(), p.Size, p.Leased, p.Remembered, kv.Value)))]);
    }

    private async Task<ConnectionList> ConnectionsAsync()
    {
        // The list is read once: a reload swaps it as a whole, so the answer is one configuration's.
        var served = _current();
        var counts = await Task.WhenAll(served.Select(c =>
            c.Interface.Ask<ConnectionSaCount>(new CountConnectionSas(c.Settings.Name), AskTimeout))).ConfigureAwait(false);
        return new ConnectionList([.. served.Zip(counts).Select(x =>
        {
            var s = x.First.Settings;
            return new ConnectionInfo(s.Name, s.File, s.Local.Id, AuthText(s.Local.Auth), s.Remote.Id, AuthText(s.Remote.Auth),
                InterfaceActor.NameFor(s.IpsecInterface), [.. s.AddressPools.Select(p => p.IsInline ? string.Join(",", p.Addresses) : p.Name)],
                [.. s.LocalTs.Select(n => n.ToString())], x.Second.Count);
        })]);
    }

    // As written in a connection file (remote.auth = eap-mschapv2, …).
    private static string AuthText(Config.AuthClass auth) => auth switch
    {
        Config.AuthClass.Psk => "psk",
        Config.AuthClass.Pubkey => "pubkey",
        Config.AuthClass.EapMsChapV2 => "eap-mschapv2",
        Config.AuthClass.EapMd5 => "eap-md5",
        Config.AuthClass.EapTls => "eap-tls",
        Config.AuthClass.EapRadius => "eap-radius",
        _ => auth.ToString().ToLowerInvariant(),
    };

    private async Task<InterfaceList> InterfacesAsync()
    {
        var homes = Homes;
        var states = await AskHomes<InterfaceState>(homes, GetInterfaceState.Instance).ConfigureAwait(false);
        return new InterfaceList([.. states.Zip(homes).Select(s => new InterfaceInfo(
            s.First.Name ?? s.Second.Path.Name, s.First.Index, s.First.Managed, s.First.Connections,
            [.. s.First.Routes.Select(r => r.ToString())], s.First.SaCount)
        {
            // The kernel counts for the device (sysfs, as the metrics read it); the interface actor owns no copy.
            Traffic = s.First.Name is { } device ? InterfaceCounters.Read(device) : null,
        })]);
    }

    private async Task<Statistics> StatisticsAsync()
    {
        var dispatcher = await _dispatcher.Ask<IkeSaDispatcherStats>(GetIkeSaDispatcherStats.Instance, AskTimeout).ConfigureAwait(false);
        var failures = await _dispatcher.Ask<IReadOnlyDictionary<string, long>>(GetHandshakeFailures.Instance, AskTimeout).ConfigureAwait(false);
        var setups = await AskHomes<long>(GetSetupCount.Instance).ConfigureAwait(false);
        var states = await AskHomes<InterfaceState>(GetInterfaceState.Instance).ConfigureAwait(false);
        var drops = _drops.Snapshot();
        return new Statistics(
            setups.Sum(),
            dispatcher.Created,
            failures,
            dispatcher.HalfOpen,
            states.Sum(s => s.SaCount),
            drops.NoCookie,
            new Dictionary<string, long>(StringComparer.Ordinal)
            {
                ["malformed"] = drops.Malformed,
                ["no-cookie"] = drops.NoCookie,
                ["over-half-open-limit"] = drops.OverLimit,
                ["backlog"] = drops.Backlog,
                ["unknown-spi"] = drops.UnknownSpi,
            })
        {
            DeadPeers = _metrics?.DeadPeerCount ?? 0,
            IkeRekeys = _metrics?.IkeRekeyCount ?? 0,
            ChildRekeys = _metrics?.ChildRekeyCount ?? 0,
            Initiations = _metrics?.InitiationCount ?? 0,
            InitiationFailures = _metrics?.InitiationFailureCounts ?? new Dictionary<string, long>(),
            Kernel = KernelFigures.Of(_kernelIpsec),
            ClusterMessages = _clustered && _metrics is not null ? _metrics.Cluster.Messages : new Dictionary<string, long>(),
            ClusterReplicatedWrites = _clustered && _metrics is not null ? _metrics.Cluster.ReplicatedWrites : new Dictionary<string, long>(),
            BlockHandOuts = _clustered ? _metrics?.Cluster.HandOuts ?? 0 : 0,
        };
    }
}
