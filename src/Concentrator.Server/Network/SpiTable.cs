using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;

namespace Concentrator.Server.Network;

/// <summary>
/// Our IKE SPI → the IKE SA actor that owns it. Read by the socket receive loops for every datagram (one
/// dictionary lookup, no actor path resolution, no hop through another actor); written by whoever creates and
/// reaps IKE SA actors. Our SPIs are random 64-bit values we chose, so the table is keyed by them alone; they are
/// drawn here and registered in the same step (<see cref="Allocate"/>, as wireguard-go's indextable.go does), so a
/// collision is retried before the SPI is used instead of ending an SA that already announced it.
/// </summary>
public sealed class SpiTable
{
    private readonly ConcurrentDictionary<ulong, IActorRef> _bySpi = new();

    public int Count => _bySpi.Count;

    /// <summary>A fresh SPI, registered for <paramref name="sa"/>: random, never zero (RFC 7296 §2.6: zero means
    /// "not known yet"), drawn again while taken.</summary>
    public ulong Allocate(IActorRef sa)
    {
        Span<byte> octets = stackalloc byte[8];
        while (true)
        {
            RandomNumberGenerator.Fill(octets);
            ulong spi = BinaryPrimitives.ReadUInt64BigEndian(octets);
            if (spi != 0 && _bySpi.TryAdd(spi, sa))
            {
                return spi;
            }
        }
    }

    /// <summary>Points <paramref name="spi"/> at <paramref name="to"/> in one step, only if it points at
    /// <paramref name="from"/> (an IKE SA moving to the actor of its established phase).</summary>
    public bool Transfer(ulong spi, IActorRef from, IActorRef to) => _bySpi.TryUpdate(spi, to, from);

    /// <summary>Registers a chosen SPI (tests that route a known SPI by hand; the node draws with <see cref="Allocate"/>).
    /// False when the SPI is taken.</summary>
    public bool TryRegister(ulong spi, IActorRef sa) => spi != 0 && _bySpi.TryAdd(spi, sa);

    /// <summary>Removes the entry only if it still points at <paramref name="sa"/>.</summary>
    public bool Unregister(ulong spi, IActorRef sa) => _bySpi.TryRemove(new KeyValuePair<ulong, IActorRef>(spi, sa));

    public bool TryGet(ulong spi, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IActorRef sa) => _bySpi.TryGetValue(spi, out sa);
}
