using Akka.Actor;
using Concentrator.Kernel;

namespace Concentrator.Server.Kernel;

/// <summary>
/// What each owner (an IKE SA actor) has installed and not yet removed, by reqid, so the kernel actor can remove
/// it when the owner stops without cleaning up (a crash stopped by its supervisor). Pure bookkeeping of the
/// kernel actor; nothing else touches it.
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

    public IActorRef? OwnerOf(uint reqid) => _ownerOf.GetValueOrDefault(reqid);

    public int Count(IActorRef owner) => _byOwner.TryGetValue(owner, out var c) ? c.Count : 0;

    private sealed class Child
    {
        public HashSet<SaId> Sas { get; } = [];
        public HashSet<PolicyId> Policies { get; } = [];
    }
}
