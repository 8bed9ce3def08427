using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Concentrator.Server.Sa;

/// <summary>
/// The inbound SPIs of every live CHILD SA of this node. Each SA is found by its SPI alone on the way in (RFC 4303
/// §2.1: with our address, the SPI names the SA), so no two may share one: random 32-bit draws collide by the
/// birthday bound (about one pair in 100,000 SAs), which the kernel or the userspace dataplane would refuse with
/// EEXIST at install time. Draws skip SPIs 0-255 (reserved by IANA) and any SPI in use.
/// </summary>
public sealed class ChildSpiRegistry
{
    private readonly ConcurrentDictionary<uint, byte> _live = new();

    public int Count => _live.Count;

    /// <summary>A fresh inbound SPI, held until <see cref="Release"/>.</summary>
    public uint Allocate()
    {
        Span<byte> octets = stackalloc byte[4];
        while (true)
        {
            RandomNumberGenerator.Fill(octets);
            uint spi = BinaryPrimitives.ReadUInt32BigEndian(octets);
            if (spi >= 256 && _live.TryAdd(spi, 0))
            {
                return spi;
            }
        }
    }

    /// <summary>Marks <paramref name="spi"/> free again (its CHILD SA left the kernel).</summary>
    public void Release(uint spi) => _live.TryRemove(spi, out _);

    public bool Contains(uint spi) => _live.ContainsKey(spi);
}
