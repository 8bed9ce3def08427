using Akka.Actor;
using Concentrator.Kernel;
using Concentrator.Server.Interfaces;
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
    private readonly IReadOnlyList<IActorRef> _homes;
    private readonly IReadOnlyList<ServedConnection> _served;
    private readonly DatagramDrops _drops;
    private readonly ConcentratorMetrics? _metrics;
    private readonly IKernelIpsec? _kernel;

    public ManagementActor(IActorRef dispatcher, IReadOnlyList<IActorRef> homes, IReadOnlyList<ServedConnection> served, DatagramDrops drops,
        ConcentratorMetrics? metrics = null, IKernelIpsec? kernel = null)
    {
        _metrics = metrics;
        _kernel = kernel;
        _dispatcher = dispatcher;
        _homes = homes;
        _served = served;
        _drops = drops;
        Receive<ListSas>(l => Reply(ListAsync(l)));
        Receive<ShowSa>(s => Reply(ShowAsync(s)));
        Receive<TerminateSas>(t => Reply(TerminateAsync(t)));
        Receive<ListPools>(_ => Sender.Tell(Pools()));
        Receive<ListInterfaces>(_ => Reply(InterfacesAsync()));
        Receive<GetStatistics>(_ => Reply(StatisticsAsync()));
    }

    /// <summary>The management actor of <paramref name="node"/>.</summary>
    public static Props Props(ConcentratorNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Akka.Actor.Props.Create(() => new ManagementActor(node.Dispatcher, node.Interfaces, node.Served, node.Drops, node.Metrics, node.KernelIpsec));
    }

    private void Reply<T>(Task<T> answer) => answer.PipeTo(Sender, failure: e => new Status.Failure(e));

    private Task<T[]> AskHomes<T>(object question) => Task.WhenAll(_homes.Select(h => h.Ask<T>(question, AskTimeout)));

    private async Task<SaList> ListAsync(ListSas list)
    {
        var lists = await AskHomes<SaList>(list).ConfigureAwait(false);
        return lists.Length == 1 ? lists[0] : new SaList([.. lists.SelectMany(l => l.Sas)]);
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
        foreach (var connection in _served)
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

    private async Task<InterfaceList> InterfacesAsync()
    {
        var states = await AskHomes<InterfaceState>(GetInterfaceState.Instance).ConfigureAwait(false);
        return new InterfaceList([.. states.Zip(_homes).Select(s => new InterfaceInfo(
            s.First.Name ?? s.Second.Path.Name, s.First.Index, s.First.Managed, s.First.Connections,
            [.. s.First.Routes.Select(r => r.ToString())], s.First.SaCount))]);
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
            Kernel = KernelFigures.Of(_kernel),
        };
    }
}
