using System.Net;
using Akka.Actor;
using Akka.Event;

namespace Concentrator.Server.Pools;

/// <summary>
/// The address pools of one connection, as an actor so every IKE SA of the connection sees one consistent
/// state. Asks go to the first pool of the family with room, in configured order. IKE SA actors that stop
/// without releasing (crash, supervisor stop) have their addresses released through DeathWatch.
/// </summary>
public sealed class AddressPoolActor : ReceiveActor
{
    private readonly List<AddressPool> _pools;
    private readonly Dictionary<IActorRef, HashSet<(ulong SaId, IPAddress Address)>> _byHolder = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DateTimeOffset _lastExhaustedLog = DateTimeOffset.MinValue;
    private int _exhaustedSinceLog;

    public AddressPoolActor(IEnumerable<IPNetwork> prefixes)
    {
        _pools = prefixes.Select(p => new AddressPool(p)).ToList();
        Receive<Acquire>(OnAcquire);
        Receive<Release>(r => ReleaseOne(Sender, r.SaId, r.Address));
        Receive<ReleaseAll>(r => ReleaseWhere(Sender, e => e.SaId == r.SaId));
        Receive<Terminated>(t => ReleaseWhere(t.ActorRef, _ => true));
        Receive<GetPoolUsage>(_ => Sender.Tell(new PoolUsage(_pools.Select(p => (p.Prefix, p.Size, p.Online, p.Used)).ToList())));
    }

    public static Props Props(IEnumerable<IPNetwork> prefixes) => Akka.Actor.Props.Create(() => new AddressPoolActor(prefixes.ToList()));

    private void OnAcquire(Acquire a)
    {
        var ofFamily = _pools.Where(p => p.Family == a.Family).ToList();
        if (ofFamily.Count == 0)
        {
            Sender.Tell(new Exhausted(a.SaId, a.Family, NoPoolOfFamily: true));
            return;
        }

        // The pool that already remembers this identity first, so a reconnecting client keeps its address.
        foreach (var pool in ofFamily.OrderBy(p => p.LeaseOf(a.Identity) is null ? 1 : 0))
        {
            if (pool.Acquire(a.Identity, a.SaId, a.Requested, a.Reclaim) is { } address)
            {
                if (!_byHolder.TryGetValue(Sender, out var held))
                {
                    held = [];
                    _byHolder[Sender] = held;
                    Context.Watch(Sender);
                }

                held.Add((a.SaId, address));
                Sender.Tell(new Acquired(a.SaId, address, pool.Prefix));
                return;
            }
        }

        // Logged at most once a minute: a full pool under a connect storm would otherwise flood the log.
        _exhaustedSinceLog++;
        var now = Context.System.Scheduler.Now;
        if (now - _lastExhaustedLog >= TimeSpan.FromMinutes(1))
        {
            _log.Warning("address pools {0} of {1} exhausted ({2} refusals)", string.Join(", ", ofFamily.Select(p => p.Prefix)), a.Family, _exhaustedSinceLog);
            _lastExhaustedLog = now;
            _exhaustedSinceLog = 0;
        }

        Sender.Tell(new Exhausted(a.SaId, a.Family, NoPoolOfFamily: false));
    }

    private void ReleaseOne(IActorRef holder, ulong saId, IPAddress address)
    {
        _pools.FirstOrDefault(p => p.Contains(address))?.Release(address, saId);
        if (_byHolder.TryGetValue(holder, out var held))
        {
            held.Remove((saId, address));
            Forget(holder, held);
        }
    }

    private void ReleaseWhere(IActorRef holder, Func<(ulong SaId, IPAddress Address), bool> which)
    {
        if (!_byHolder.TryGetValue(holder, out var held))
        {
            return;
        }

        foreach (var entry in held.Where(which).ToList())
        {
            _pools.FirstOrDefault(p => p.Contains(entry.Address))?.Release(entry.Address, entry.SaId);
            held.Remove(entry);
        }

        Forget(holder, held);
    }

    private void Forget(IActorRef holder, HashSet<(ulong SaId, IPAddress Address)> held)
    {
        if (held.Count == 0)
        {
            _byHolder.Remove(holder);
            Context.Unwatch(holder);
        }
    }
}
