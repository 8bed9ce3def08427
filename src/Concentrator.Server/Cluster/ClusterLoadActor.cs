using System.Globalization;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Concentrator.Server.Interfaces;
using Concentrator.Server.Logging;
using Concentrator.Server.Sa;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Cluster;

/// <summary>
/// The cluster's load, as this node sees it (<c>/user/cluster-load</c>): every <see cref="Interval"/> it counts the IKE
/// SAs its interface actors hold and, when the count changed, writes "held|gateway|draining" under its own name into a
/// replicated <see cref="LWWDictionary{TKey,TValue}"/> (WriteLocal: gossip carries it, no setup waits on it). It
/// subscribes to the dictionary and to membership, keeps the entries of members that are Up and reachable, and after each
/// change asks <see cref="RedirectRule"/> where new clients should go, telling the dispatcher (<see cref="SetRedirect"/>) when
/// that changed. A member the cluster removes has its entry removed (every node does it; removing twice is harmless), so
/// neither <c>concentrator cluster</c> nor a redirect decision counts a departed node. <see cref="DrainNode"/> makes this
/// node drain (gossiped, so the others stop sending clients here).
/// </summary>
public sealed class ClusterLoadActor : ReceiveActor, IWithTimers
{
    /// <summary>How often the held SAs are counted.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The replicated load: owner ("address#uid") → "held|gateway|0 or 1 (draining)".</summary>
    public static readonly LWWDictionaryKey<string, string> Key = new("concentrator-load");

    private readonly ClusterRedirectSettings _settings;
    private readonly IPAddress? _gateway;
    private readonly Func<IReadOnlyList<IActorRef>> _interfaces;
    private readonly IActorRef _dispatcher;
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly string _self;
    private readonly ILogger _log = ServerLogging.For<ClusterLoadActor>(Context);
    private LWWDictionary<string, string> _entries = LWWDictionary<string, string>.Empty;
    private int _held = -1;
    private bool _draining;
    private bool _counting;
    private IPAddress? _redirectTo;
    private string _reason = "";
    private IActorRef? _observer;
    private readonly Metrics.ClusterTraffic? _traffic;

    /// <param name="interfaces">The actors that hold established IKE SAs now (read at each count: a reload may add one).</param>
    /// <param name="traffic">Counts this node's load writes (local; gossip carries them).</param>
    public ClusterLoadActor(ClusterRedirectSettings settings, IPAddress? gateway, Func<IReadOnlyList<IActorRef>> interfaces, IActorRef dispatcher,
        Metrics.ClusterTraffic? traffic = null)
    {
        _traffic = traffic;
        _settings = settings;
        _gateway = gateway;
        _interfaces = interfaces;
        _dispatcher = dispatcher;
        _self = BlockOwner.Of(_cluster.SelfUniqueAddress);
        Receive<Count>(_ => CountHeld());
        Receive<Counted>(c =>
        {
            _counting = false;
            if (c.Held != _held)
            {
                _held = c.Held;
                Publish();
            }
        });
        Receive<Changed>(c =>
        {
            _entries = c.Get(Key);
            Decide();
        });
        Receive<DrainNode>(d =>
        {
            _draining = true;
            Publish();
            Decide();
            _log.Draining(_redirectTo?.ToString() ?? "no other node (none serves)");
            var started = new DrainStarted(_redirectTo?.ToString() ?? "");
            if (!d.Established || _redirectTo is not { } target)
            {
                Sender.Tell(started);
                return;
            }

            // RFC 5685 §5: each established SA whose client follows redirects is told where to go; its client moves and
            // deletes the SA here. The IKE SA actors hold the protocol; this only fans the order out.
            var asks = _interfaces().Select(i => i.Ask<ClientsRedirected>(new RedirectEstablished(target), Interval * 5)).ToList();
            var log = _log;
            Task.WhenAll(asks).ContinueWith(t =>
            {
                var told = t.IsCompletedSuccessfully ? t.Result.Sum(r => r.Told) : 0;
                if (log.IsEnabled(LogLevel.Information))
                {
                    log.DrainEstablished(told, target.ToString());
                }

                return started with { EstablishedTold = told };
            }, TaskScheduler.Default).PipeTo(Sender);
        });
        Receive<ClusterEvent.MemberRemoved>(r => Forget(r.Member.UniqueAddress));
        Receive<ClusterEvent.IMemberEvent>(_ => Decide());
        Receive<ClusterEvent.IReachabilityEvent>(_ => Decide());
        Receive<WatchLoad>(w =>
        {
            _observer = w.Observer;
            _observer.Tell(State());
        });
        Receive<UpdateSuccess>(_ => { });
        Receive<ModifyFailure>(f => _log.DirectoryFailed("a load update", f.ErrorMessage));
        Receive<StoreFailure>(f => _log.DirectoryFailed("a load update", f.ToString() ?? ""));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClusterRedirectSettings settings, IPAddress? gateway, Func<IReadOnlyList<IActorRef>> interfaces, IActorRef dispatcher,
        Metrics.ClusterTraffic? traffic = null) =>
        Akka.Actor.Props.Create(() => new ClusterLoadActor(settings, gateway, interfaces, dispatcher, traffic));

    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(Key, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer(nameof(Count), Count.Instance, TimeSpan.Zero, Interval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>The entries without <paramref name="node"/>'s, removed by <paramref name="self"/>.</summary>
    public static LWWDictionary<string, string> WithoutNode(LWWDictionary<string, string> entries, UniqueAddress self, string node)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.ContainsKey(node) ? entries.Remove(self, node) : entries;
    }

    /// <summary>The loads of the entries whose node is in <paramref name="nodes"/>, by node; entries of other nodes
    /// (departed, or not serving) and entries this version does not understand left out.</summary>
    public static IReadOnlyList<NodeLoad> LoadsOf(IEnumerable<KeyValuePair<string, string>> entries, IReadOnlySet<string> nodes)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(nodes);
        return [.. entries.Where(e => nodes.Contains(e.Key)).Select(e => Parse(e.Key, e.Value)).OfType<NodeLoad>().OrderBy(l => l.Node, StringComparer.Ordinal)];
    }

    /// <summary>An entry's value.</summary>
    public static string EntryValue(int held, IPAddress? gateway, bool draining) =>
        string.Create(CultureInfo.InvariantCulture, $"{held}|{gateway}|{(draining ? 1 : 0)}");

    /// <summary>Reads an entry; null for one this version does not understand.</summary>
    public static NodeLoad? Parse(string node, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split('|');
        IPAddress? gateway = null;
        return parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var held)
            && (parts[1].Length == 0 || IPAddress.TryParse(parts[1], out gateway))
            ? new NodeLoad(node, held, gateway, parts[2] == "1")
            : null;
    }

    private sealed record Count
    {
        public static Count Instance { get; } = new();
    }

    private sealed record Counted(int Held);

    private void CountHeld()
    {
        if (_counting)
        {
            return;
        }

        _counting = true;
        var asks = _interfaces().Select(i => i.Ask<InterfaceState>(GetInterfaceState.Instance, Interval * 3)).ToList();
        Task.WhenAll(asks).ContinueWith(t => t.IsCompletedSuccessfully ? new Counted(t.Result.Sum(s => s.SaCount)) : new Counted(_held),
            TaskScheduler.Default).PipeTo(Self);
    }

    private void Publish()
    {
        var value = EntryValue(Math.Max(_held, 0), _gateway, _draining);
        var node = _cluster.SelfUniqueAddress;
        var self = _self;
        _traffic?.Wrote(Metrics.ReplicatedWriteKind.Load);
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, string>.Empty, WriteLocal.Instance, d => d.SetItem(node, self, value)));
    }

    // A removed member holds nothing: its entry goes from the gossip (WriteLocal, as every write here) and from here now.
    private void Forget(UniqueAddress removed)
    {
        if (removed.Equals(_cluster.SelfUniqueAddress))
        {
            return;
        }

        var node = BlockOwner.Of(removed);
        var self = _cluster.SelfUniqueAddress;
        _entries = WithoutNode(_entries, self, node);
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, string>.Empty, WriteLocal.Instance, d => WithoutNode(d, self, node)));
        Decide();
    }

    private void Decide()
    {
        var state = _cluster.State;
        var serving = state.Members.Where(m => m.Status == MemberStatus.Up && !state.Unreachable.Contains(m))
            .Select(m => BlockOwner.Of(m.UniqueAddress)).Append(_self).ToHashSet(StringComparer.Ordinal);
        var loads = LoadsOf(_entries.Entries, serving);
        var decision = RedirectRule.Decide(_self, loads, _settings, _draining);
        var target = decision?.Target;
        _reason = decision?.Reason ?? (_draining ? "this node drains but no other node serves" : "within its share");
        if (!Equals(target, _redirectTo))
        {
            _redirectTo = target;
            _dispatcher.Tell(new SetRedirect(target, _reason) { InIkeAuth = _settings.In == RedirectExchange.IkeAuth });
        }

        _observer?.Tell(State());
    }

    private ClusterLoad State()
    {
        // The members' entries (Up or not, reachable or not: the view shows them all); a departed node's are not listed.
        var members = _cluster.State.Members.Select(m => BlockOwner.Of(m.UniqueAddress)).Append(_self).ToHashSet(StringComparer.Ordinal);
        return new ClusterLoad(LoadsOf(_entries.Entries, members), _draining, _redirectTo, _reason);
    }
}

/// <summary>To the load actor: send <see cref="ClusterLoad"/> to <paramref name="Observer"/> now and after each change.</summary>
public sealed record WatchLoad(IActorRef Observer);
