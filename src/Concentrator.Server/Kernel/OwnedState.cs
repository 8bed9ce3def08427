using Akka.Actor;
using Concentrator.Kernel;

namespace Concentrator.Server.Kernel;

/// <summary>
/// What each owner (an IKE SA actor) has installed and not yet removed, by reqid: the one record of it (the IKE SA
/// actor keeps only which CHILD SA has which reqid). The kernel actor removes one CHILD SA from it
/// (<see cref="RemovalOf"/>), everything of an owner that stops or asks (<see cref="TakeAll"/>), and routes
/// expiries by it. Pure bookkeeping of the kernel actor; nothing else touches it. Kept small: a node holds a hundred
/// thousand owners, each with one CHILD SA of two states and three policies in the common case, so an owner's CHILD SAs
/// are a chain of records with arrays sized to what they hold, not hash tables per owner and per CHILD SA.
/// </summary>
internal sealed class OwnedState
{
    private readonly Dictionary<IActorRef, Child> _byOwner = [];
    private readonly Dictionary<uint, IActorRef> _ownerOf = [];

    /// <summary>Records an install; true when <paramref name="owner"/> is new (the caller watches it).</summary>
    public bool Add(IActorRef owner, InstallChild install)
    {
        var isNew = !_byOwner.TryGetValue(owner, out var first);
        var child = Find(first, install.Reqid);
        if (child is null)
        {
            child = new Child(install.Reqid) { Next = first };
            _byOwner[owner] = child;
        }

        _ownerOf[install.Reqid] = owner;
        child.Sas = Union(child.Sas, install.Sas.Select(s => s.Request.Id));
        child.Policies = Union(child.Policies, install.Policies.Select(p => p.Id));
        return isNew;
    }

    /// <summary>Forgets what <paramref name="remove"/> removes; returns owners left with nothing (to unwatch).</summary>
    public IReadOnlyList<IActorRef> Remove(RemoveChild remove)
    {
        if (!_ownerOf.TryGetValue(remove.Reqid, out var owner) || !_byOwner.TryGetValue(owner, out var first)
            || Find(first, remove.Reqid) is not { } child)
        {
            return [];
        }

        child.Sas = Except(child.Sas, remove.Sas);
        child.Policies = Except(child.Policies, remove.Policies);
        if (child.Sas.Length > 0 || child.Policies.Length > 0)
        {
            return [];
        }

        _ownerOf.Remove(remove.Reqid);
        var rest = Unlink(first, child);
        if (rest is not null)
        {
            _byOwner[owner] = rest;
            return [];
        }

        _byOwner.Remove(owner);
        return [owner];
    }

    /// <summary>What removing one CHILD SA takes: its states of the reqid and, when they are the reqid's last, its
    /// policies; null when none of its states is recorded.</summary>
    public RemoveChild? RemovalOf(RemoveChildSa remove)
    {
        if (!_ownerOf.TryGetValue(remove.Reqid, out var owner) || Find(_byOwner[owner], remove.Reqid) is not { } child)
        {
            return null;
        }

        var sas = child.Sas.Where(s => s.Spi == remove.InboundSpi || s.Spi == remove.OutboundSpi).ToList();
        if (sas.Count == 0)
        {
            return null;
        }

        return new RemoveChild(remove.CorrelationId, remove.Reqid, sas, sas.Count == child.Sas.Length ? child.Policies.ToList() : []);
    }

    /// <summary>Everything <paramref name="owner"/> still has, as removals, and forgets it.</summary>
    public IReadOnlyList<RemoveChild> TakeAll(IActorRef owner)
    {
        if (!_byOwner.Remove(owner, out var first))
        {
            return [];
        }

        var removals = new List<RemoveChild>();
        for (var c = first; c is not null; c = c.Next)
        {
            _ownerOf.Remove(c.Reqid);
            removals.Add(new RemoveChild(0, c.Reqid, c.Sas.ToList(), c.Policies.ToList()));
        }

        return removals;
    }

    /// <summary>The SAs <paramref name="owner"/> has installed, not copied: to be enumerated on the kernel actor's thread
    /// before anything changes.</summary>
    public IEnumerable<SaId> InstalledBy(IActorRef owner)
    {
        if (!_byOwner.TryGetValue(owner, out var first))
        {
            yield break;
        }

        for (var c = first; c is not null; c = c.Next)
        {
            foreach (var sa in c.Sas)
            {
                yield return sa;
            }
        }
    }

    /// <summary>The SAs <paramref name="owner"/> has installed (none when it has nothing), copied.</summary>
    public IReadOnlyList<SaId> SasOf(IActorRef owner) => [.. InstalledBy(owner)];

    /// <summary>Every owner with something installed.</summary>
    public IEnumerable<IActorRef> Owners => _byOwner.Keys;

    public IActorRef? OwnerOf(uint reqid) => _ownerOf.GetValueOrDefault(reqid);

    /// <summary>Whether states of <paramref name="reqid"/> are recorded: a CHILD SA is there to be rekeyed. A trap's
    /// policies alone (installed with no states) are not one.</summary>
    public bool HasStates(uint reqid) =>
        _ownerOf.TryGetValue(reqid, out var owner) && Find(_byOwner.GetValueOrDefault(owner), reqid) is { Sas.Length: > 0 };

    /// <summary>CHILD SAs recorded (one per reqid: a rekey's new states join the old ones' reqid).</summary>
    public int Children => _ownerOf.Count;

    public int Count(IActorRef owner)
    {
        int n = 0;
        for (var c = _byOwner.GetValueOrDefault(owner); c is not null; c = c.Next)
        {
            n++;
        }

        return n;
    }

    private static Child? Find(Child? first, uint reqid)
    {
        for (var c = first; c is not null; c = c.Next)
        {
            if (c.Reqid == reqid)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The chain starting at <paramref name="first"/> without <paramref name="child"/> (its new first link).</summary>
    private static Child? Unlink(Child first, Child child)
    {
        if (ReferenceEquals(first, child))
        {
            return child.Next;
        }

        for (var c = first; c.Next is not null; c = c.Next)
        {
            if (ReferenceEquals(c.Next, child))
            {
                c.Next = child.Next;
                break;
            }
        }

        return first;
    }

    private static T[] Union<T>(T[] have, IEnumerable<T> add)
    {
        var more = add.Where(a => Array.IndexOf(have, a) < 0).Distinct().ToArray();
        return more.Length == 0 ? have : [.. have, .. more];
    }

    private static T[] Except<T>(T[] have, IEnumerable<T> remove)
    {
        var gone = remove as ICollection<T> ?? remove.ToList();
        return gone.Count == 0 ? have : have.Where(h => !gone.Contains(h)).ToArray();
    }

    /// <summary>One CHILD SA (reqid) of an owner: its states and policies, and the owner's next CHILD SA.</summary>
    private sealed class Child(uint reqid)
    {
        public uint Reqid { get; } = reqid;

        public SaId[] Sas { get; set; } = [];

        public PolicyId[] Policies { get; set; } = [];

        public Child? Next { get; set; }
    }
}
