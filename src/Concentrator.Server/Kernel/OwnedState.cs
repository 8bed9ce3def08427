using Akka.Actor;
using Concentrator.Kernel;

namespace Concentrator.Server.Kernel;

/// <summary>
/// What each owner (an IKE SA actor) has installed and not yet removed, by reqid: the one record of it (the IKE SA
/// actor keeps only which CHILD SA has which reqid). The kernel actor removes one CHILD SA from it
/// (<see cref="RemovalOf"/>), everything of an owner that stops or asks (<see cref="TakeAll"/>), and routes
/// expiries by it. Pure bookkeeping of the kernel actor; nothing else touches it.
/// </summary>
internal sealed class OwnedState
{
    private readonly Dictionary<IActorRef, Dictionary<uint, Child>> _byOwner = [];
    private readonly Dictionary<uint, IActorRef> _ownerOf = [];

    /// <summary>Records an install; true when <paramref name="owner"/> is new (the caller watches it).</summary>
    public bool Add(IActorRef owner, InstallChild install)
    {
        var isNew = !_byOwner.TryGetValue(owner, out var children);
        if (children is null)
        {
            children = [];
            _byOwner[owner] = children;
        }

        if (!children.TryGetValue(install.Reqid, out var child))
        {
            child = new Child();
            children[install.Reqid] = child;
        }

        _ownerOf[install.Reqid] = owner;
        child.Sas.UnionWith(install.Sas.Select(s => s.Request.Id));
        child.Policies.UnionWith(install.Policies.Select(p => p.Id));
        return isNew;
    }

    /// <summary>Forgets what <paramref name="remove"/> removes; returns owners left with nothing (to unwatch).</summary>
    public IReadOnlyList<IActorRef> Remove(RemoveChild remove)
    {
        if (!_ownerOf.TryGetValue(remove.Reqid, out var owner) || !_byOwner.TryGetValue(owner, out var children)
            || !children.TryGetValue(remove.Reqid, out var child))
        {
            return [];
        }

        child.Sas.ExceptWith(remove.Sas);
        child.Policies.ExceptWith(remove.Policies);
        if (child.Sas.Count > 0 || child.Policies.Count > 0)
        {
            return [];
        }

        children.Remove(remove.Reqid);
        _ownerOf.Remove(remove.Reqid);
        if (children.Count > 0)
        {
            return [];
        }

        _byOwner.Remove(owner);
        return [owner];
    }

    /// <summary>What removing one CHILD SA takes: its states of the reqid and, when they are the reqid's last, its
    /// policies; null when none of its states is recorded.</summary>
    public RemoveChild? RemovalOf(RemoveChildSa remove)
    {
        if (!_ownerOf.TryGetValue(remove.Reqid, out var owner) || !_byOwner[owner].TryGetValue(remove.Reqid, out var child))
        {
            return null;
        }

        var sas = child.Sas.Where(s => s.Spi == remove.InboundSpi || s.Spi == remove.OutboundSpi).ToList();
        if (sas.Count == 0)
        {
            return null;
        }

        return new RemoveChild(remove.CorrelationId, remove.Reqid, sas, sas.Count == child.Sas.Count ? child.Policies.ToList() : []);
    }

    /// <summary>Everything <paramref name="owner"/> still has, as removals, and forgets it.</summary>
    public IReadOnlyList<RemoveChild> TakeAll(IActorRef owner)
    {
        if (!_byOwner.Remove(owner, out var children))
        {
            return [];
        }

        foreach (var reqid in children.Keys)
        {
            _ownerOf.Remove(reqid);
        }

        return children.Select(c => new RemoveChild(0, c.Key, c.Value.Sas.ToList(), c.Value.Policies.ToList())).ToList();
    }

    /// <summary>The SAs <paramref name="owner"/> has installed, not copied: to be enumerated on the kernel actor's thread
    /// before anything changes.</summary>
    public IEnumerable<SaId> InstalledBy(IActorRef owner)
    {
        if (!_byOwner.TryGetValue(owner, out var children))
        {
            yield break;
        }

        foreach (var child in children.Values)
        {
            foreach (var sa in child.Sas)
            {
                yield return sa;
            }
        }
    }

    /// <summary>The SAs <paramref name="owner"/> has installed (none when it has nothing), copied.</summary>
    public IReadOnlyList<SaId> SasOf(IActorRef owner) =>
        _byOwner.TryGetValue(owner, out var children) ? [.. children.Values.SelectMany(c => c.Sas)] : [];

    /// <summary>Every owner with something installed.</summary>
    public IEnumerable<IActorRef> Owners => _byOwner.Keys;

    public IActorRef? OwnerOf(uint reqid) => _ownerOf.GetValueOrDefault(reqid);

    /// <summary>CHILD SAs recorded (one per reqid: a rekey's new states join the old ones' reqid).</summary>
    public int Children => _ownerOf.Count;

    public int Count(IActorRef owner) => _byOwner.TryGetValue(owner, out var c) ? c.Count : 0;

    private sealed class Child
    {
        public HashSet<SaId> Sas { get; } = [];
        public HashSet<PolicyId> Policies { get; } = [];
    }
}
