using System.Collections.Concurrent;

namespace Concentrator.Kernel.Userspace;

/// <summary>One installed policy, compiled for per-packet matching.</summary>
internal sealed class PolicyEntry
{
    public PolicyEntry(PolicyRequest request)
    {
        Request = request;
        Selector = new CompiledSelector(request.Selector);
        var t = request.Templates.Count > 0 ? request.Templates[0] : null;
        Reqid = t?.Reqid ?? 0;
        TemplateDestination = t is null ? UInt128.Zero : IpPacket.Key(t.Destination);
    }

    public PolicyRequest Request { get; }

    public CompiledSelector Selector { get; }

    public uint IfId => Request.IfId;

    public uint Reqid { get; }

    /// <summary>Outer destination of the tunnel-mode template: with the reqid, it names the outbound SA.</summary>
    public UInt128 TemplateDestination { get; }

    /// <summary>The next in/fwd policy of the same reqid (the table's per-reqid chain, changed under its lock).</summary>
    public PolicyEntry? NextOfReqid { get; set; }
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
    private readonly ConcurrentDictionary<PolicyKey, PolicyEntry> _all = new();
    // The value is the one PolicyEntry of the destination (the road-warrior case, no array per client) or, when
    // several policies name it, a PolicyEntry[] in priority order.
    private readonly ConcurrentDictionary<(uint IfId, UInt128 Destination), object> _hostOut = new();
    private readonly Dictionary<uint, PolicyEntry> _inboundByReqid = [];
    private readonly object _gate = new();
    private volatile PolicyEntry[] _rangeOut = [];

    public int Count => _all.Count;

    /// <summary>Adds or (with <paramref name="replace"/>) replaces; EEXIST / ENOENT like the kernel.</summary>
    public PolicyEntry Add(PolicyRequest request, bool replace)
    {
        var entry = new PolicyEntry(request);
        lock (_gate)
        {
            var id = PolicyKey.Of(request);
            if (_all.TryGetValue(id, out var old))
            {
                if (!replace)
                {
                    throw new KernelException(Errnos.EEXIST, null, "add policy");
                }

                RemoveLocked(old);
            }

            _all[id] = entry;
            if (request.Direction == PolicyDirection.Out)
            {
                if (entry.Selector.IsHostDestination)
                {
                    var key = (entry.IfId, entry.Selector.DestinationKey);
                    if (!_hostOut.TryGetValue(key, out var existing))
                    {
                        _hostOut[key] = entry;
                    }
                    else
                    {
                        PolicyEntry[] list = existing is PolicyEntry one ? [one, entry] : [.. (PolicyEntry[])existing, entry];
                        Array.Sort(list, (a, b) => a.Request.Priority.CompareTo(b.Request.Priority));
                        _hostOut[key] = list;
                    }
                }
                else
                {
                    var list = _rangeOut.Append(entry).ToArray();
                    Array.Sort(list, (a, b) =>
                    {
                        int c = a.Request.Priority.CompareTo(b.Request.Priority);
                        return c != 0 ? c : b.Selector.DestinationPrefixLength.CompareTo(a.Selector.DestinationPrefixLength);
                    });
                    _rangeOut = list;
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

    public PolicyEntry Remove(PolicyId id)
    {
        lock (_gate)
        {
            if (!_all.TryGetValue(PolicyKey.Of(id), out var entry))
            {
                throw new KernelException(Errnos.ENOENT, null, "delete policy");
            }

            RemoveLocked(entry);
            return entry;
        }
    }

    public IReadOnlyCollection<PolicyEntry> All => (IReadOnlyCollection<PolicyEntry>)_all.Values;

    /// <summary>Per packet: the outbound policy for an inner packet leaving ipsecN with this if_id, or null.</summary>
    public PolicyEntry? LookupOutbound(uint ifId, in IpPacketInfo packet)
    {
        if (_hostOut.TryGetValue((ifId, packet.Destination), out var hosts))
        {
            if (hosts is PolicyEntry one)
            {
                if (one.Selector.Matches(packet))
                {
                    return one;
                }
            }
            else
            {
                foreach (var p in (PolicyEntry[])hosts)
                {
                    if (p.Selector.Matches(packet))
                    {
                        return p;
                    }
                }
            }
        }

        foreach (var p in _rangeOut)
        {
            if (p.IfId == ifId && p.Selector.Matches(packet))
            {
                return p;
            }
        }

        return null;
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
                if (p.IfId != ifId || p.Request.Action != PolicyAction.Allow || Contains(all.AsSpan(0, count), p.Selector))
                {
                    continue;
                }

                all[count++] = p.Selector;
            }

            return count == n ? all : all.AsSpan(0, count).ToArray();
        }
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
        _all.TryRemove(PolicyKey.Of(entry.Request), out _);
        if (entry.Request.Direction == PolicyDirection.Out)
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

    /// <summary>
    /// A policy's identity (selector, direction, if_id, mark) as <see cref="PolicyId"/> compares it, held in the
    /// table as a 24-byte struct: no <see cref="PolicyId"/> object per installed policy, the mark unpacked so no
    /// nullable's padding is paid.
    /// </summary>
    private readonly record struct PolicyKey(TrafficSelector Selector, uint IfId, uint MarkValue, uint MarkMask, PolicyDirection Direction, bool HasMark)
    {
        public static PolicyKey Of(PolicyId id) => Of(id.Selector, id.Direction, id.IfId, id.Mark);

        public static PolicyKey Of(PolicyRequest r) => Of(r.Selector, r.Direction, r.IfId, r.Mark);

        private static PolicyKey Of(TrafficSelector selector, PolicyDirection direction, uint ifId, XfrmMark? mark) =>
            new(selector, ifId, mark?.Value ?? 0, mark?.Mask ?? 0, direction, mark.HasValue);
    }
}
