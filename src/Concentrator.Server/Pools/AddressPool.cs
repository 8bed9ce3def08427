using System.Net;
using System.Net.Sockets;

namespace Concentrator.Server.Pools;

/// <summary>
/// Virtual IPs of one prefix, pure (no actors, no clock). Each identity keeps one lease: after its SA goes
/// away the lease goes "offline" but stays reserved for that identity, so a client that reconnects gets the
/// same address back (what strongSwan's mem_pool does and what clients with cached routes expect). Offline
/// leases of others are only taken once the prefix has no never-used address left, oldest first.
/// <para>
/// Allocation is O(1): a cursor over never-used offsets, then a FIFO of offline leases (stale entries are
/// skipped lazily), so a /16 or a /64 costs nothing until addresses are handed out.
/// </para>
/// </summary>
public sealed class AddressPool
{
    private readonly UInt128 _base;
    private readonly ulong _first;
    private readonly ulong _count;
    private readonly Dictionary<string, Lease> _byIdentity = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, Lease> _byOffset = [];
    private readonly Queue<(Lease Lease, int Generation)> _offline = new();
    private readonly Queue<(Lease Lease, int Generation)> _free = new();
    private ulong _next;

    public AddressPool(IPNetwork prefix)
        : this(prefix, prefix)
    {
    }

    /// <summary>The addresses of <paramref name="prefix"/>, one block of the pool <paramref name="within"/> (a cluster
    /// node's share): only the pool's own network/broadcast (anycast) addresses are left out, not each block's.</summary>
    public AddressPool(IPNetwork prefix, IPNetwork within)
    {
        Prefix = prefix;
        Family = prefix.BaseAddress.AddressFamily;
        var bits = Family == AddressFamily.InterNetwork ? 32 : 128;
        var hostBits = bits - prefix.PrefixLength;
        var poolHostBits = bits - within.PrefixLength;
        _base = ToNumber(prefix.BaseAddress);
        var size = hostBits >= 64 ? ulong.MaxValue : 1UL << hostBits;
        var poolStart = ToNumber(within.BaseAddress);
        var atPoolStart = _base == poolStart;
        var atPoolEnd = poolHostBits >= 128 || _base + size == poolStart + (UInt128.One << poolHostBits);
        _first = 0;
        _count = size;
        if (Family == AddressFamily.InterNetwork && poolHostBits >= 2)
        {
            // The network and broadcast addresses of an IPv4 prefix cannot be given to a host.
            _first = atPoolStart ? 1UL : 0;
            _count = size - _first - (atPoolEnd ? 1UL : 0);
        }
        else if (Family == AddressFamily.InterNetworkV6 && poolHostBits >= 1)
        {
            // RFC 4291 section 2.6.1: the all-zero host part is the Subnet-Router anycast address.
            _first = atPoolStart ? 1UL : 0;
            _count = size - _first;
        }
    }

    public IPNetwork Prefix { get; }

    public AddressFamily Family { get; }

    /// <summary>Addresses the pool can hand out (saturates at 2^64-1 for IPv6 prefixes shorter than /64).</summary>
    public ulong Size => _count;

    /// <summary>Leases held by a live SA.</summary>
    public int Online { get; private set; }

    /// <summary>Addresses ever handed out (held, remembered for their identity, or released and free).</summary>
    public int Used => _byOffset.Count;

    /// <summary>
    /// An address for <paramref name="identity"/> held by SA <paramref name="saId"/>, or null when every
    /// address is held by a live SA (the IKE layer answers INTERNAL_ADDRESS_FAILURE, RFC 7296 section 3.15.4).
    /// The identity's own lease is returned when it is offline, or when it is still held by an older SA of
    /// the same identity and <paramref name="reclaim"/> is set (the new SA replaces the old one: unique = replace,
    /// or INITIAL_CONTACT, RFC 7296 section 2.4). Without it, a second SA presenting the same identity gets an
    /// address of its own rather than stealing the first one's (unique = never).
    /// </summary>
    public IPAddress? Acquire(string identity, ulong saId, IPAddress? requested = null, bool reclaim = false)
    {
        _byIdentity.TryGetValue(identity, out var own);
        // Without reclaim a lease a live SA holds is never taken, not even by its own identity: this SA then gets a
        // second address, which is not remembered for the identity.
        var ownUsable = own is not null && (own.Holder is null || own.Holder == saId || reclaim);
        if (ownUsable && (requested is null || requested.Equals(AddressOf(own!.Offset))))
        {
            return Take(own!, saId);
        }

        // RFC 7296 section 3.15.1: the client may ask for an address (typically its previous one); it gets it when
        // the address is free (not held, not remembered for another identity), and the identity's claim moves there.
        if (requested is not null && FreeForRequest(requested, identity) is { } wanted)
        {
            if (own is null || ownUsable)
            {
                ClaimFor(identity, wanted, own);
            }
            else
            {
                wanted.Identity = identity;
            }

            return Hold(wanted, saId);
        }

        if (ownUsable)
        {
            return Take(own!, saId);
        }

        var lease = NextUnheld();
        if (lease is null)
        {
            return null;
        }

        if (lease.Identity is { } previous && _byIdentity.TryGetValue(previous, out var claim) && claim == lease)
        {
            // The oldest offline lease of another identity: that identity loses its claim.
            _byIdentity.Remove(previous);
            ClaimChanged?.Invoke(previous, null);
        }

        lease.Identity = identity;
        if (own is null)
        {
            _byIdentity[identity] = lease;
            ClaimChanged?.Invoke(identity, AddressOf(lease.Offset));
        }

        return Hold(lease, saId);
    }

    /// <summary>Called when an identity's remembered address changes (null: it has none any more), so a durable
    /// store can follow; not called for <see cref="Restore"/>.</summary>
    public Action<string, IPAddress?>? ClaimChanged { get; set; }

    /// <summary>Remembers <paramref name="address"/> for <paramref name="identity"/> as an offline lease (read back from
    /// the lease store at start-up); false when the address is outside the pool or either is already taken.</summary>
    public bool Restore(string identity, IPAddress address)
    {
        if (_byIdentity.ContainsKey(identity) || !TryOffset(address, out var offset) || _byOffset.ContainsKey(offset))
        {
            return false;
        }

        var lease = new Lease(offset) { Identity = identity };
        _byOffset.Add(offset, lease);
        _byIdentity[identity] = lease;
        _offline.Enqueue((lease, lease.Generation));
        return true;
    }

    /// <summary>Marks the lease of <paramref name="address"/> offline if SA <paramref name="saId"/> holds it;
    /// false when it does not (already released, or taken over by a newer SA of the same identity).</summary>
    public bool Release(IPAddress address, ulong saId)
    {
        if (!TryOffset(address, out var offset) || !_byOffset.TryGetValue(offset, out var lease) || lease.Holder != saId)
        {
            return false;
        }

        lease.Holder = null;
        lease.Generation++;
        Online--;
        if (lease.Identity is { } id && _byIdentity.TryGetValue(id, out var claim) && claim == lease)
        {
            _offline.Enqueue((lease, lease.Generation));
        }
        else
        {
            // A second address of an identity that already has one (see Acquire) is not remembered.
            lease.Identity = null;
            _free.Enqueue((lease, lease.Generation));
        }

        return true;
    }

    public bool Contains(IPAddress address) => TryOffset(address, out _);

    /// <summary>The identity's remembered address (online or offline), if any.</summary>
    public IPAddress? LeaseOf(string identity) => _byIdentity.TryGetValue(identity, out var l) ? AddressOf(l.Offset) : null;

    // Never-used offsets first (skipping those a request or the lease store took out of order), then released
    // addresses nobody claims, then the oldest offline lease.
    private Lease? NextUnheld()
    {
        while (_next < _count)
        {
            var offset = _first + _next++;
            if (_byOffset.ContainsKey(offset))
            {
                continue;
            }

            var lease = new Lease(offset);
            _byOffset.Add(offset, lease);
            return lease;
        }

        return Dequeue(_free) ?? Dequeue(_offline);
    }

    private static Lease? Dequeue(Queue<(Lease Lease, int Generation)> queue)
    {
        // Entries whose lease was held again since they were queued are stale: skip them.
        while (queue.TryDequeue(out var entry))
        {
            if (entry.Lease.Holder is null && entry.Lease.Generation == entry.Generation)
            {
                return entry.Lease;
            }
        }

        return null;
    }

    private IPAddress Take(Lease own, ulong saId)
    {
        if (own.Holder is null)
        {
            return Hold(own, saId);
        }

        // Taken over (or asked again by its holder): an old SA's later Release no longer matches and leaves it alone.
        own.Holder = saId;
        return AddressOf(own.Offset);
    }

    // A requested address: free when nobody holds it and it is not remembered for another identity.
    private Lease? FreeForRequest(IPAddress requested, string identity)
    {
        if (!TryOffset(requested, out var offset))
        {
            return null;
        }

        if (_byOffset.TryGetValue(offset, out var lease))
        {
            var remembered = lease.Identity is { } other && other != identity && _byIdentity.TryGetValue(other, out var c) && c == lease;
            return lease.Holder is null && !remembered ? lease : null;
        }

        lease = new Lease(offset);
        _byOffset.Add(offset, lease);
        return lease;
    }

    // The identity's claim moves to `wanted`; its previous lease, if free, is free for anyone.
    private void ClaimFor(string identity, Lease wanted, Lease? previous)
    {
        if (previous is not null && previous != wanted)
        {
            previous.Identity = null;
            if (previous.Holder is null)
            {
                previous.Generation++;
                _free.Enqueue((previous, previous.Generation));
            }
        }

        wanted.Identity = identity;
        _byIdentity[identity] = wanted;
        ClaimChanged?.Invoke(identity, AddressOf(wanted.Offset));
    }

    private IPAddress Hold(Lease lease, ulong saId)
    {
        lease.Holder = saId;
        lease.Generation++;
        Online++;
        return AddressOf(lease.Offset);
    }

    private IPAddress AddressOf(ulong offset)
    {
        var n = _base + offset;
        if (Family == AddressFamily.InterNetwork)
        {
            return new IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)n)));
        }

        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, n);
        return new IPAddress(bytes);
    }

    private bool TryOffset(IPAddress address, out ulong offset)
    {
        offset = 0;
        if (address.AddressFamily != Family || !Prefix.Contains(address))
        {
            return false;
        }

        var diff = ToNumber(address) - _base;
        if (diff < _first || diff - _first >= _count)
        {
            return false;
        }

        offset = (ulong)diff;
        return true;
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private sealed class Lease(ulong offset)
    {
        public ulong Offset { get; } = offset;
        public string? Identity { get; set; }
        public ulong? Holder { get; set; }
        public int Generation { get; set; }
    }
}
