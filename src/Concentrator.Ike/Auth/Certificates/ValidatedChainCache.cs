using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// The node's peer chains already validated, shared by every IKE SA (strongSwan's cert_cache keeps the outcome of
/// signature checks between certificates for the same reason): a known client's IKE_AUTH skips parsing its DER and the
/// chain engine (≈ 0.6 ms of CPU per setup, bench/README). Keyed by <see cref="KeyOf"/>: a SHA-256 over the
/// certificates exactly as sent (end entity and intermediates, in order) and over what of the connection's
/// <see cref="TrustPolicy"/> decides the cached verdict (its anchors, CRL files, required EKU, chain length), so another
/// CA set or CRL file never meets an entry made under the old one. A chain goes in only after its peer proved its key
/// (the AUTH signature verified), so strangers replaying a client's certificates cannot fill it. At most
/// <see cref="Capacity"/> entries, the least recently used evicted first; <see cref="Clear"/> on reload.
/// </summary>
public sealed class ValidatedChainCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ChainKey, LinkedListNode<(ChainKey Key, ValidatedChain Chain)>> _entries = [];
    private readonly LinkedList<(ChainKey Key, ValidatedChain Chain)> _recent = new();
    private readonly ConditionalWeakTable<TrustPolicy, byte[]> _fingerprints = new();
    private long _hits;
    private long _misses;

    public ValidatedChainCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Lookups that found a chain (which then skipped the parse and the chain engine).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that found none (a new client, or one evicted, or one whose certificate left its validity period).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The key of the chain <paramref name="certificates"/> (DER as sent, end entity first) under
    /// <paramref name="policy"/>.</summary>
    public ChainKey KeyOf(TrustPolicy policy, IReadOnlyList<ReadOnlyMemory<byte>> certificates)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(certificates);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_fingerprints.GetValue(policy, Fingerprint));
        Span<byte> length = stackalloc byte[4];
        foreach (ReadOnlyMemory<byte> der in certificates)
        {
            // Length-prefixed, so that no two different lists of certificates hash the same octets.
            BinaryPrimitives.WriteInt32BigEndian(length, der.Length);
            hash.AppendData(length);
            hash.AppendData(der.Span);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return new ChainKey(MemoryMarshal.Read<UInt128>(digest), MemoryMarshal.Read<UInt128>(digest[16..]));
    }

    public bool TryGet(ChainKey key, [NotNullWhen(true)] out ValidatedChain? chain)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out LinkedListNode<(ChainKey Key, ValidatedChain Chain)>? node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                chain = node.Value.Chain;
                _hits++;
                return true;
            }

            _misses++;
        }

        chain = null;
        return false;
    }

    /// <summary>Keeps <paramref name="chain"/> under <paramref name="key"/> (replacing one there), evicting the least
    /// recently used beyond <see cref="Capacity"/>.</summary>
    public void Add(ChainKey key, ValidatedChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        lock (_gate)
        {
            if (_entries.Remove(key, out LinkedListNode<(ChainKey Key, ValidatedChain Chain)>? old))
            {
                _recent.Remove(old);
            }

            while (_entries.Count >= Capacity && _recent.Last is { } last)
            {
                _recent.RemoveLast();
                _entries.Remove(last.Value.Key);
            }

            _entries[key] = _recent.AddFirst((key, chain));
        }
    }

    public void Remove(ChainKey key)
    {
        lock (_gate)
        {
            if (_entries.Remove(key, out LinkedListNode<(ChainKey Key, ValidatedChain Chain)>? node))
            {
                _recent.Remove(node);
            }
        }
    }

    /// <summary>Forgets every chain (a reload: CAs, CRL files or connections may have changed).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recent.Clear();
        }
    }

    /// <summary>What of <paramref name="policy"/> decides the part of the verdict a cached chain stands for. The
    /// revocation policy and the OCSP/CRL URIs are not in it: revocation is checked on every use with the policy at hand.</summary>
    private static byte[] Fingerprint(TrustPolicy policy)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] number = new byte[4];
        void Add(ReadOnlySpan<byte> octets)
        {
            BinaryPrimitives.WriteInt32BigEndian(number, octets.Length);
            hash.AppendData(number);
            hash.AppendData(octets);
        }

        BinaryPrimitives.WriteInt32BigEndian(number, policy.MaxChainLength);
        hash.AppendData(number);
        Add(System.Text.Encoding.UTF8.GetBytes(policy.RequiredEku ?? ""));
        foreach (System.Security.Cryptography.X509Certificates.X509Certificate2 anchor in policy.Anchors)
        {
            Add(anchor.RawDataMemory.Span);
        }

        hash.AppendData("crls"u8);
        foreach (RevocationList crl in policy.Crls)
        {
            Add(crl.Digest);
        }

        return hash.GetHashAndReset();
    }
}

/// <summary>A SHA-256 of a chain as sent and of the trust it was validated under (<see cref="ValidatedChainCache.KeyOf"/>).</summary>
public readonly record struct ChainKey(UInt128 High, UInt128 Low);
