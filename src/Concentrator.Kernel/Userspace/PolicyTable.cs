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
    private readonly ConcurrentDictionary<PolicyId, PolicyEntry> _all = new();
    private readonly ConcurrentDictionary<(uint IfId, UInt128 Destination), PolicyEntry[]> _hostOut = new();
    private readonly Dictionary<uint, List<PolicyEntry>> _inboundByReqid = [];
    private readonly object _gate = new();
    private volatile PolicyEntry[] _rangeOut = [];

    public int Count => _all.Count;

    /// <summary>Adds or (with <paramref name="replace"/>) replaces; EEXIST / ENOENT like the kernel.</summary>
    public PolicyEntry Add(PolicyRequest request, bool replace)
    {
        var entry = new PolicyEntry(request);
        lock (_gate)
        {
            var id = request.Id;
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
                    var list = _hostOut.TryGetValue(key, out var existing) ? [.. existing, entry] : new[] { entry };
                    Array.Sort(list, (a, b) => a.Request.Priority.CompareTo(b.Request.Priority));
                    _hostOut[key] = list;
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
                if (!_inboundByReqid.TryGetValue(entry.Reqid, out var l))
                {
                    _inboundByReqid[entry.Reqid] = l = [];
                }

                l.Add(entry);
            }
        }

        return entry;
    }

    public PolicyEntry Remove(PolicyId id)
    {
        lock (_gate)
        {
            if (!_all.TryGetValue(id, out var entry))
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
            foreach (var p in hosts)
            {
                if (p.Selector.Matches(packet))
                {
                    return p;
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

    /// <summary>In and fwd policies whose template names <paramref name="reqid"/> (and the SA's if_id).</summary>
    public CompiledSelector[] InboundSelectors(uint reqid, uint ifId)
    {
        lock (_gate)
        {
            return _inboundByReqid.TryGetValue(reqid, out var l)
                ? l.Where(p => p.IfId == ifId && p.Request.Action == PolicyAction.Allow).Select(p => p.Selector).ToArray()
                : [];
        }
    }

    private void RemoveLocked(PolicyEntry entry)
    {
        _all.TryRemove(entry.Request.Id, out _);
        if (entry.Request.Direction == PolicyDirection.Out)
        {
            if (entry.Selector.IsHostDestination)
            {
                var key = (entry.IfId, entry.Selector.DestinationKey);
                if (_hostOut.TryGetValue(key, out var list))
                {
                    var rest = list.Where(p => p != entry).ToArray();
                    if (rest.Length == 0)
                    {
                        _hostOut.TryRemove(key, out _);
                    }
                    else
                    {
                        _hostOut[key] = rest;
                    }
                }
            }
            else
            {
                _rangeOut = _rangeOut.Where(p => p != entry).ToArray();
            }
        }
        else if (_inboundByReqid.TryGetValue(entry.Reqid, out var l))
        {
            l.Remove(entry);
            if (l.Count == 0)
            {
                _inboundByReqid.Remove(entry.Reqid);
            }
        }
    }
}
