using System.Collections.Concurrent;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// The SA database of the userspace dataplane. Inbound SAs are found per packet by SPI alone (the SPI is
/// ours: <see cref="UserspaceKernelIpsec.AllocateSpiAsync"/> hands out unique ones), outbound SAs by
/// (reqid, outer destination) — what an outbound policy's template names. Both are concurrent dictionaries:
/// lookups are lock-free and O(1) at 100,000 SAs; changes are serialized by a lock.
/// <para>
/// Whether an SA is inbound is decided when it is added: its SPI was allocated here, or its destination is
/// one of the dataplane's local addresses (the kernel instead looks states up by (destination, SPI)).
/// </para>
/// <para>
/// An SA is found by its kernel identity (<see cref="SaKey"/>) in the SPI table when inbound, else in a table of the
/// other SAs: one entry per SA, not two (issue 13: ≈ 95 bytes per held SA).
/// </para>
/// </summary>
internal sealed class SaTable
{
    private readonly ConcurrentDictionary<uint, EspSa> _inbound = new();
    private readonly ConcurrentDictionary<(uint Reqid, UInt128 Destination), EspSa> _outbound = new();
    private readonly ConcurrentDictionary<SaKey, EspSa> _others = new();
    private readonly object _gate = new();

    public int Count => _inbound.Count + _others.Count;

    public IEnumerable<EspSa> All => _inbound.Values.Concat(_others.Values);

    public void Add(EspSa sa, bool inbound, bool replace)
    {
        var key = SaKey.Of(sa);
        lock (_gate)
        {
            if (TryFind(key, out var old))
            {
                if (!replace)
                {
                    sa.Dispose();
                    throw new KernelException(Errnos.EEXIST, null, "add SA");
                }

                RemoveLocked(key, old);
            }

            if (inbound && _inbound.TryGetValue(sa.Spi, out var clash) && SaKey.Of(clash) != key)
            {
                sa.Dispose();
                throw new KernelException(Errnos.EEXIST, $"SPI 0x{sa.Spi:x8} is in use by another inbound SA", "add SA");
            }

            if (inbound)
            {
                _inbound[sa.Spi] = sa;
            }
            else
            {
                _others[key] = sa;
                // The newest SA for a (reqid, peer) wins, as after a CHILD SA rekey the kernel prefers the newer state;
                // the older ones stay chained behind it (through the SAs, no list per pair) for when it goes.
                var ok = (sa.Reqid, IpPacket.Key(sa.Destination));
                sa.OlderOutbound = _outbound.TryGetValue(ok, out var newest) ? newest : null;
                _outbound[ok] = sa;
            }
        }
    }

    public EspSa? Find(SaId id) => TryFind(SaKey.Of(id), out var sa) ? sa : null;

    public EspSa Remove(SaId id) => Remove(SaKey.Of(id));

    /// <summary>Removes <paramref name="sa"/> by its identity (ESRCH when it is gone).</summary>
    public EspSa Remove(EspSa sa) => Remove(SaKey.Of(sa));

    private EspSa Remove(SaKey key)
    {
        lock (_gate)
        {
            if (!TryFind(key, out var sa))
            {
                throw new KernelException(Errnos.ESRCH, null, "delete SA");
            }

            RemoveLocked(key, sa);
            return sa;
        }
    }

    /// <summary>Per packet, inbound: the SA for an SPI, or null (count <see cref="EspDrop.NoSa"/>).</summary>
    public EspSa? LookupInbound(uint spi) => _inbound.TryGetValue(spi, out var sa) ? sa : null;

    /// <summary>Per packet, outbound: the SA a policy's template names, or null.</summary>
    public EspSa? LookupOutbound(uint reqid, UInt128 destination) =>
        _outbound.TryGetValue((reqid, destination), out var sa) ? sa : null;

    public bool IsInbound(EspSa sa) => _inbound.TryGetValue(sa.Spi, out var s) && ReferenceEquals(s, sa);

    private bool TryFind(SaKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EspSa? sa)
    {
        // An inbound SA owns its SPI in the SPI table (Add refuses a second inbound SA with that SPI), so an SA with
        // this identity is either the SPI table's or in the other table.
        if (_inbound.TryGetValue(key.Spi, out sa) && SaKey.Of(sa) == key)
        {
            return true;
        }

        return _others.TryGetValue(key, out sa);
    }

    private void RemoveLocked(SaKey key, EspSa sa)
    {
        if (_inbound.TryGetValue(sa.Spi, out var i) && ReferenceEquals(i, sa))
        {
            _inbound.TryRemove(sa.Spi, out _);
        }
        else
        {
            _others.TryRemove(key, out _);
        }

        var ok = (sa.Reqid, IpPacket.Key(sa.Destination));
        if (!_outbound.TryGetValue(ok, out var newest))
        {
            return;
        }

        if (ReferenceEquals(newest, sa))
        {
            // Fall back to the newest older SA of the pair still installed (make-before-break rekeying).
            if (sa.OlderOutbound is { } older)
            {
                _outbound[ok] = older;
            }
            else
            {
                _outbound.TryRemove(ok, out _);
            }

            sa.OlderOutbound = null;
            return;
        }

        // One SA per pair, two while rekeying: the walk is short.
        for (var newer = newest; newer.OlderOutbound is { } cur; newer = cur)
        {
            if (ReferenceEquals(cur, sa))
            {
                newer.OlderOutbound = cur.OlderOutbound;
                cur.OlderOutbound = null;
                return;
            }
        }
    }

    /// <summary>(destination, SPI, protocol, if_id) — the kernel's state identity.</summary>
    private readonly record struct SaKey(UInt128 Destination, uint Spi, IpsecProtocol Protocol, uint IfId)
    {
        public static SaKey Of(SaId id) => new(IpPacket.Key(id.Destination), id.Spi, id.Protocol, id.IfId);

        public static SaKey Of(EspSa sa) => new(IpPacket.Key(sa.Destination), sa.Spi, sa.Protocol, sa.IfId);
    }
}
