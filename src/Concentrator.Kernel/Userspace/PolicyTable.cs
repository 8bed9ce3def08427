using System.Collections.Concurrent;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// One installed policy, compiled for per-packet matching. The request is not kept (issue 13: the request, its
/// template and the template list were ≈ 200 bytes per policy, three policies per CHILD SA): only what the
/// dataplane reads, the selector and addresses by reference.
/// </summary>
internal sealed class PolicyEntry
{
    /// <summary>A probe: an entry with only an identity, to find the installed one by it.</summary>
    private PolicyEntry(PolicyKey key) => Key = key;

    public PolicyEntry(PolicyRequest request)
    {
        Key = PolicyKey.Of(request);
        Selector = new CompiledSelector(request.Selector);
        Priority = request.Priority;
        Action = request.Action;
        var t = request.Templates.Count > 0 ? request.Templates[0] : null;
        Reqid = t?.Reqid ?? 0;
        TemplateSource = t?.Source;
        TemplateDestinationAddress = t?.Destination;
        TemplateDestination = t is null ? UInt128.Zero : IpPacket.Key(t.Destination);
    }

    /// <summary>The policy's identity (selector, direction, if_id, mark), the table's key.</summary>
    public PolicyKey Key { get; }

    /// <summary>Entries compared by <see cref="Key"/>: the table keeps them in a set, the key inside the entry.</summary>
    public static IEqualityComparer<PolicyEntry> ByKey { get; } = new KeyComparer();

    public static PolicyEntry Probe(PolicyKey key) => new(key);

    public CompiledSelector Selector { get; }

    public uint IfId => Key.IfId;

    public PolicyDirection Direction => Key.Direction;

    public uint Priority { get; }

    public PolicyAction Action { get; }

    /// <summary>The reqid of the first template (the only one the dataplane follows), 0 without a template.</summary>
    public uint Reqid { get; }

    /// <summary>True when the policy names an SA (has a template).</summary>
    public bool HasTemplate => TemplateDestinationAddress is not null;

    /// <summary>Outer source of the tunnel-mode template (for ACQUIRE), null without a template.</summary>
    public System.Net.IPAddress? TemplateSource { get; }

    /// <summary>Outer destination of the tunnel-mode template (for ACQUIRE), null without a template.</summary>
    public System.Net.IPAddress? TemplateDestinationAddress { get; }

    /// <summary>Outer destination of the tunnel-mode template: with the reqid, it names the outbound SA.</summary>
    public UInt128 TemplateDestination { get; }

    /// <summary>The next in/fwd policy of the same reqid (the table's per-reqid chain, changed under its lock).</summary>
    public PolicyEntry? NextOfReqid { get; set; }

    /// <summary>
    /// Which of two outbound policies matching the same packet wins, negative when <paramref name="a"/> does: the lower
    /// priority value (XFRM), then the more specific selector — the longer destination prefix, then the longer source
    /// prefix, then a protocol, then ports — as strongSwan derives XFRM priorities from the selector's size
    /// (kernel_netlink_ipsec.c get_priority), so return traffic leaves through the most specific CHILD SA.
    /// </summary>
    public static int Precedence(PolicyEntry a, PolicyEntry b)
    {
        int c = a.Priority.CompareTo(b.Priority);
        if (c == 0)
        {
            c = b.Selector.DestinationPrefixLength.CompareTo(a.Selector.DestinationPrefixLength);
        }

        if (c == 0)
        {
            c = b.Selector.SourcePrefixLength.CompareTo(a.Selector.SourcePrefixLength);
        }

        if (c == 0)
        {
            c = b.Selector.Specificity.CompareTo(a.Selector.Specificity);
        }

        return c;
    }

    private sealed class KeyComparer : IEqualityComparer<PolicyEntry>
    {
        public bool Equals(PolicyEntry? x, PolicyEntry? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.Key == y.Key);

        public int GetHashCode(PolicyEntry obj) => obj.Key.GetHashCode();
    }
}

/// <summary>
/// A policy's identity (selector, direction, if_id, mark) as <see cref="PolicyId"/> compares it, held in the
/// table as a 24-byte struct: no <see cref="PolicyId"/> object per installed policy, the mark unpacked so no
/// nullable's padding is paid.
/// </summary>
internal readonly record struct PolicyKey(TrafficSelector Selector, uint IfId, uint MarkValue, uint MarkMask, PolicyDirection Direction, bool HasMark)
{
    public static PolicyKey Of(PolicyId id) => Of(id.Selector, id.Direction, id.IfId, id.Mark);

    public static PolicyKey Of(PolicyRequest r) => Of(r.Selector, r.Direction, r.IfId, r.Mark);

    private static PolicyKey Of(TrafficSelector selector, PolicyDirection direction, uint ifId, XfrmMark? mark) =>
        new(selector, ifId, mark?.Value ?? 0, mark?.Mask ?? 0, direction, mark.HasValue);
}

/// <summary>
/// The security policy database of the userspace dataplane. Outbound policies are found per packet in
/// O(1) when their destination is one host (/32, /128) — what a road-warrior CHILD SA with a virtual IP
/// looks like — through a dictionary keyed by (if_id, inner destination). Wider destinations fall back to
/// a copy-on-write array scanned in order of priority, then destination prefix length (longest first);
/// a concentrator has a handful of those. In/fwd policies are kept by reqid: they become the selectors an
/// inbound SA's decrypted packets must match.
/// </summary>
internal sealed class PolicyTable
{
    // Every policy, found by its identity. A set of entries (the key lives in the entry) rather than a dictionary
    // keyed by a copy of it: ≈ 50 bytes less per policy, three policies per CHILD SA (issue 13). Only touched under
    // the lock; packets never read it.
    private readonly HashSet<PolicyEntry> _all = new(PolicyEntry.ByKey);
    // The value is the one PolicyEntry of the destination (the road-warrior case, no array per client) or, when
    // several policies name it, a PolicyEntry[] in priority order.
    private readonly ConcurrentDictionary<(uint IfId, UInt128 Destination), object> _hostOut = new();
    private readonly Dictionary<uint, PolicyEntry> _inboundByReqid = [];
    private readonly object _gate = new();
    private volatile PolicyEntry[] _rangeOut = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>Adds or (with <paramref name="replace"/>) replaces; EEXIST / ENOENT like the kernel.</summary>
    public PolicyEntry Add(PolicyRequest request, bool replace)
    {
        var entry = new PolicyEntry(request);
        lock (_gate)
        {
            if (_all.TryGetValue(entry, out var old))
            {
                if (!replace)
                {
                    throw new KernelException(Errnos.EEXIST, null, "add policy");
                }

                RemoveLocked(old);
            }

            _all.Add(entry);
            if (entry.Direction == PolicyDirection.Out)
            {
                if (entry.Selector.IsHostDestination)
                {
                    var key = (entry.IfId, entry.Selector.DestinationKey);
                    _hostOut[key] = _hostOut.TryGetValue(key, out var existing)
                        ? InOrder(existing is PolicyEntry one ? [one] : (PolicyEntry[])existing, entry)
                        : entry;
                }
                else
                {
                    _rangeOut = InOrder(_rangeOut, entry);
                }
            }
            else if (entry.Reqid != 0)
            {
                // Appended to the reqid's chain (through the entries, no list per reqid), in the order added.
                if (!_inboundByReqid.TryGetValue(entry.Reqid, out var last))
                {
                    _inboundByReqid[entry.Reqid] = entry;
                }
                else
                {
                    while (last.NextOfReqid is { } next)
                    {
                        last = next;
                    }

                    last.NextOfReqid = entry;
                }
            }
        }

        return entry;
    }

    public PolicyEntry Remove(PolicyId id) => Remove(PolicyKey.Of(id));

    /// <summary>Removes the policy installed under <paramref name="entry"/>'s identity (ENOENT when it is gone).</summary>
    public PolicyEntry Remove(PolicyEntry entry) => Remove(entry.Key);

    private PolicyEntry Remove(PolicyKey key)
    {
        lock (_gate)
        {
            if (!_all.TryGetValue(PolicyEntry.Probe(key), out var entry))
            {
                throw new KernelException(Errnos.ENOENT, null, "delete policy");
            }

            RemoveLocked(entry);
            return entry;
        }
    }

    /// <summary>A snapshot of every installed policy.</summary>
    public IReadOnlyCollection<PolicyEntry> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>
    /// Per packet: the outbound policy for an inner packet leaving ipsecN with this if_id, or null — of those that
    /// match, the first by <see cref="PolicyEntry.Precedence"/> (XFRM priority, then the most specific selector).
    /// </summary>
    public PolicyEntry? LookupOutbound(uint ifId, in IpPacketInfo packet)
    {
        PolicyEntry? host = null;
        if (_hostOut.TryGetValue((ifId, packet.Destination), out var hosts))
        {
            if (hosts is PolicyEntry one)
            {
                host = one.Selector.Matches(packet) ? one : null;
            }
            else
            {
                foreach (var p in (PolicyEntry[])hosts)
                {
                    if (p.Selector.Matches(packet))
                    {
                        host = p;
                        break;
                    }
                }
            }
        }

        // A host destination (/32, /128) is longer than any range's: a range policy wins only by a lower priority
        // value, and the range array is in precedence order, so its first entry has the lowest.
        var ranges = _rangeOut;
        if (host is not null && (ranges.Length == 0 || host.Priority <= ranges[0].Priority))
        {
            return host;
        }

        foreach (var p in ranges)
        {
            if (p.IfId == ifId && p.Selector.Matches(packet))
            {
                return host is null || PolicyEntry.Precedence(p, host) < 0 ? p : host;
            }
        }

        return host;
    }

    /// <summary>
    /// Allowing in and fwd policies whose template names <paramref name="reqid"/> (and the SA's if_id), as the
    /// selectors a decrypted packet must match one of. A selector given by both the in and the fwd policy (as a
    /// CHILD SA installs them) is kept once: matching any of them is the same test.
    /// </summary>
    public CompiledSelector[] InboundSelectors(uint reqid, uint ifId)
    {
        lock (_gate)
        {
            _inboundByReqid.TryGetValue(reqid, out var head);
            int n = 0;
            for (var p = head; p is not null; p = p.NextOfReqid)
            {
                n++;
            }

            if (n == 0)
            {
                return [];
            }

            int count = 0;
            var all = new CompiledSelector[n];
            for (var p = head; p is not null; p = p.NextOfReqid)
            {
                if (p.IfId != ifId || p.Action != PolicyAction.Allow || Contains(all.AsSpan(0, count), p.Selector))
                {
                    continue;
                }

                all[count++] = p.Selector;
            }

            return count == n ? all : all.AsSpan(0, count).ToArray();
        }
    }

    /// <summary>A copy of <paramref name="list"/> with <paramref name="entry"/> inserted in precedence order, after
    /// those of equal precedence (the kernel, too, keeps the first-added of equal priority first).</summary>
    private static PolicyEntry[] InOrder(PolicyEntry[] list, PolicyEntry entry)
    {
        int at = 0;
        while (at < list.Length && PolicyEntry.Precedence(list[at], entry) <= 0)
        {
            at++;
        }

        return [.. list.AsSpan(0, at), entry, .. list.AsSpan(at)];
    }

    private static bool Contains(ReadOnlySpan<CompiledSelector> selectors, in CompiledSelector s)
    {
        foreach (ref readonly var x in selectors)
        {
            if (x.SameAs(s))
            {
                return true;
            }
        }

        return false;
    }

    private void RemoveLocked(PolicyEntry entry)
    {
        _all.Remove(entry);
        if (entry.Direction == PolicyDirection.Out)
        {
            if (entry.Selector.IsHostDestination)
            {
                var key = (entry.IfId, entry.Selector.DestinationKey);
                if (_hostOut.TryGetValue(key, out var existing))
                {
                    if (ReferenceEquals(existing, entry))
                    {
                        _hostOut.TryRemove(key, out _);
                    }
                    else if (existing is PolicyEntry[] list)
                    {
                        var rest = list.Where(p => p != entry).ToArray();
                        _hostOut[key] = rest.Length == 1 ? rest[0] : rest;
                    }
                }
            }
            else
            {
                _rangeOut = _rangeOut.Where(p => p != entry).ToArray();
            }
        }
        else if (_inboundByReqid.TryGetValue(entry.Reqid, out var head))
        {
            if (ReferenceEquals(head, entry))
            {
                if (entry.NextOfReqid is { } next)
                {
                    _inboundByReqid[entry.Reqid] = next;
                }
                else
                {
                    _inboundByReqid.Remove(entry.Reqid);
                }
            }
            else
            {
                for (var prev = head; prev.NextOfReqid is { } cur; prev = cur)
                {
                    if (ReferenceEquals(cur, entry))
                    {
                        prev.NextOfReqid = cur.NextOfReqid;
                        break;
                    }
                }
            }

            entry.NextOfReqid = null;
        }
    }
}
