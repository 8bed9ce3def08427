using System.Globalization;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Concentrator.Server.Cluster;

namespace Concentrator.Server.Management;

/// <summary>
/// The management API across the cluster (<c>/user/cluster-management</c>, on every cluster node): the operator's
/// question on one node is put to the same actor on every Up member, found by its well-known path
/// (<see cref="ActorSelection"/> of <c>akka.tcp://…@member/user/cluster-management</c>), each with an Ask bounded by
/// <see cref="PeerTimeout"/>; a member this node cannot reach is not asked, and one that does not answer in time is
/// reported as such, so no answer waits on a lost node for longer than that. Each member answers from its own
/// <see cref="ManagementActor"/> (a child here) and its <c>/user/cluster-node</c>. A show or terminate of an SA id
/// goes to every member and is answered by the one that holds it: ids are our SPI, 64 random bits, so they do not
/// repeat across nodes.
/// </summary>
public sealed class ClusterManagementActor : ReceiveActor
{
    public const string Name = "cluster-management";

    /// <summary>How long a member may take to answer; below <see cref="ManagementActor.AskTimeout"/>, so the operator
    /// learns which member was silent instead of a timeout of the whole question.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(5);

    private readonly IActorRef _local;
    private readonly IActorRef _clusterNode;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Metrics.ClusterTraffic? _traffic;

    /// <param name="management">This node's management actor (started as a child).</param>
    /// <param name="clusterNode"><c>/user/cluster-node</c> (its blocks, admission and drain).</param>
    /// <param name="traffic">Counts the asks to other members.</param>
    public ClusterManagementActor(Props management, IActorRef clusterNode, Metrics.ClusterTraffic? traffic = null)
    {
        _traffic = traffic;
        _local = Context.ActorOf(management, "local");
        _clusterNode = clusterNode;
        Receive<StreamClusterSas>(l => _ = StreamAsync(Members(), l.Filter, l.Parts));
        Receive<ShowClusterSa>(s => Reply(ShowAsync(Members(), s.Id)));
        Receive<TerminateClusterSas>(t => Reply(TerminateAsync(Members(), t)));
        Receive<GetClusterOverview>(_ => Reply(OverviewAsync(Members())));
        // A peer's questions, answered from this node's own state, in lists the serializer can build again on the other
        // side (a collection expression's IReadOnlyList is a compiler type without a constructor Newtonsoft can call).
        Receive<PeerListSas>(q => Reply(_local.Ask<SaList>(new ListSas(q.Filter.ToFilter()), ManagementActor.AskTimeout)
            .ContinueWith(t => new SaList(t.Result.Sas.Select(Wire).ToList()), TaskScheduler.Default)));
        Receive<PeerShowSa>(q => Reply(_local.Ask<object>(new ShowSa(q.Id), ManagementActor.AskTimeout)
            .ContinueWith(t => t.Result is SaDetail d ? Wire(d) : t.Result, TaskScheduler.Default)));
        Receive<PeerTerminateSas>(q => Reply(_local.Ask<SasTerminated>(new TerminateSas(q.Filter.ToFilter(), q.Reason), ManagementActor.AskTimeout)
            .ContinueWith(t => new SasTerminated(t.Result.Ids.ToList()), TaskScheduler.Default)));
        Receive<GetNodeState>(_ => Reply(StateAsync()));
    }

    /// <summary>An SA's summary with plain lists, to cross nodes.</summary>
    public static SaSummary Wire(SaSummary sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return sa with { VirtualIps = sa.VirtualIps.ToList() };
    }

    /// <summary>An SA in full with plain lists, to cross nodes.</summary>
    public static SaDetail Wire(SaDetail sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return sa with
        {
            Summary = Wire(sa.Summary),
            ChildSas = sa.ChildSas.Select(c => c with { LocalSelectors = c.LocalSelectors.ToList(), RemoteSelectors = c.RemoteSelectors.ToList() }).ToList(),
        };
    }

    public static Props Props(Props management, IActorRef clusterNode, Metrics.ClusterTraffic? traffic = null) =>
        Akka.Actor.Props.Create(() => new ClusterManagementActor(management, clusterNode, traffic));

    private void Reply<T>(Task<T> answer) => answer.PipeTo(Sender, failure: e => new Status.Failure(e));

    // Every Up member, in address order: its name, this actor there (null: unreachable from here), whether it is this node.
    private List<Member> Members()
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        // Each reachable other member is asked once by the question these are listed for.
        foreach (var _ in state.Members.Where(m => m.Status == MemberStatus.Up && !unreachable.Contains(m.UniqueAddress) && !m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)))
        {
            _traffic?.Sent(Metrics.ClusterMessageKind.ManagementAsk);
        }

        return [.. state.Members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m => new Member(
            m.Address.ToString(),
            unreachable.Contains(m.UniqueAddress) ? null : Context.System.ActorSelection(new RootActorPath(m.Address) / "user" / Name),
            m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)))];
    }

    private sealed record Member(string Node, ActorSelection? Actor, bool Self);

    private sealed record Answer<T>(Member Member, T? Value, string Problem);

    private static Task<Answer<T>[]> AskAllAsync<T>(IEnumerable<Member> members, object question) =>
        Task.WhenAll(members.Select(m => AskAsync<T>(m, question)));

    private static async Task<Answer<T>> AskAsync<T>(Member m, object question)
    {
        if (m.Actor is null)
        {
            return new Answer<T>(m, default, "unreachable");
        }

        try
        {
            return new Answer<T>(m, await m.Actor.Ask<T>(question, PeerTimeout).ConfigureAwait(false), "");
        }
        catch (AskTimeoutException)
        {
            return new Answer<T>(m, default, string.Create(CultureInfo.InvariantCulture, $"no answer within {PeerTimeout.TotalSeconds:0} s"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Answer<T>(m, default, e.Message);
        }
    }

    // Every member is asked at once; each answer is handed on as it arrives, so the first member's SAs are written out
    // while the others still list theirs, and no list of the whole cluster's SAs is ever built here.
    private static async Task StreamAsync(List<Member> members, SaFilter filter, ChannelWriter<ClusterSaPart> parts)
    {
        var question = new PeerListSas(PeerSaFilter.From(filter));
        try
        {
            await Task.WhenAll(members.Select(async m =>
            {
                var answer = await AskAsync<SaList>(m, question).ConfigureAwait(false);
                await parts.WriteAsync(answer.Value is { } list
                    ? new ClusterSaPart(new NodeReply(m.Node, true, "") { Sas = list.Sas.Count }, list.Sas)
                    : new ClusterSaPart(new NodeReply(m.Node, false, answer.Problem), [])).ConfigureAwait(false);
            })).ConfigureAwait(false);
            parts.TryComplete();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The reader gave up (the operator's request ended): nothing waits for the rest.
            parts.TryComplete(e);
        }
    }

    private static async Task<object> ShowAsync(List<Member> members, string id)
    {
        var answers = await AskAllAsync<object>(members, new PeerShowSa(id)).ConfigureAwait(false);
        return answers.Where(a => a.Value is SaDetail).Select(a => (SaDetail)a.Value! with { Summary = ((SaDetail)a.Value!).Summary with { Node = a.Member.Node } })
            .FirstOrDefault() ?? (object)new SaNotFound(id);
    }

    private static async Task<ClusterSasTerminated> TerminateAsync(List<Member> members, TerminateClusterSas terminate)
    {
        var answers = await AskAllAsync<SasTerminated>(members, new PeerTerminateSas(PeerSaFilter.From(terminate.Filter), terminate.Reason)).ConfigureAwait(false);
        return new ClusterSasTerminated([.. answers.Select(a => new NodeReply(a.Member.Node, a.Value is not null, a.Problem) { Ids = a.Value?.Ids ?? [] })]);
    }

    private async Task<NodeState> StateAsync()
    {
        var view = await _clusterNode.Ask<ClusterView>(GetClusterView.Instance, PeerTimeout).ConfigureAwait(false);
        var interfaces = await _local.Ask<InterfaceList>(ListInterfaces.Instance, PeerTimeout).ConfigureAwait(false);
        return new NodeState(interfaces.Interfaces.Sum(i => i.Sas), view.Admitting, view.Draining, view.Blocks.ToList());
    }

    private async Task<ClusterView> OverviewAsync(List<Member> members)
    {
        var view = await _clusterNode.Ask<ClusterView>(GetClusterView.Instance, PeerTimeout).ConfigureAwait(false);
        var answers = await AskAllAsync<NodeState>(members, GetNodeState.Instance).ConfigureAwait(false);
        var total = answers.Sum(a => a.Value?.Held ?? 0);
        return view with
        {
            Nodes = [.. answers.Select(a => a.Value is { } s
                ? new NodeView(a.Member.Node, a.Member.Self, true, "", s.Held, total == 0 ? 0 : (double)s.Held / total, s.Admitting, s.Draining, s.Blocks)
                : new NodeView(a.Member.Node, a.Member.Self, false, a.Problem, 0, 0, false, false, []))],
        };
    }
}
