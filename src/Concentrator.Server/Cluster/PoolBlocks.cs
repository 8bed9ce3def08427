using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Concentrator.Server.Cluster;

/// <summary>The blocks a pool prefix is cut into: block <c>i</c> of a pool with block prefix length <c>L</c> is the
/// <c>/L</c> at the pool's base + i × 2^(bits − L). Pure arithmetic, the same on every node.</summary>
public static class PoolBlocks
{
    /// <summary>More blocks than anyone will ever hand out (an IPv6 /64 cut into /120s has 2^56).</summary>
    public const ulong MaxCount = 1UL << 62;

    /// <summary>How many blocks of prefix length <paramref name="blockPrefix"/> the pool has.</summary>
    public static ulong Count(IPNetwork pool, int blockPrefix)
    {
        var bits = blockPrefix - pool.PrefixLength;
        return bits <= 0 ? 1 : bits >= 62 ? MaxCount : 1UL << bits;
    }

    /// <summary>Block <paramref name="index"/> of the pool.</summary>
    public static IPNetwork Block(IPNetwork pool, int blockPrefix, ulong index)
    {
        if (blockPrefix <= pool.PrefixLength)
        {
            return pool;
        }

        var v4 = pool.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        var width = v4 ? 32 : 128;
        var start = Number(pool.BaseAddress) + ((UInt128)index << (width - blockPrefix));
        return new IPNetwork(Address(start, v4), blockPrefix);
    }

    /// <summary>The index of <paramref name="block"/> in the pool, or null when it is not one of its blocks.</summary>
    public static ulong? IndexOf(IPNetwork pool, int blockPrefix, IPNetwork block)
    {
        var length = Math.Max(blockPrefix, pool.PrefixLength);
        if (block.PrefixLength != length || !pool.Contains(block.BaseAddress))
        {
            return null;
        }

        var width = pool.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return (ulong)((Number(block.BaseAddress) - Number(pool.BaseAddress)) >> (width - length));
    }

    private static UInt128 Number(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static IPAddress Address(UInt128 n, bool v4)
    {
        if (v4)
        {
            var four = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(four, (uint)n);
            return new IPAddress(four);
        }

        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, n);
        return new IPAddress(bytes);
    }
}
