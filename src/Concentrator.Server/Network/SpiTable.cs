using System.Collections.Concurrent;
using Akka.Actor;

namespace Concentrator.Server.Network;

/// <summary>
/// Our IKE SPI → the IKE SA actor that owns it. Read by the socket receive loops for every datagram (one
/// dictionary lookup, no actor path resolution, no hop through another actor); written by whoever creates and
/// reaps IKE SA actors. Our SPIs are random 64-bit values we chose, so the table is keyed by them alone.
/// </summary>
public sealed class SpiTable
{
    private readonly ConcurrentDictionary<ulong, IActorRef> _bySpi = new();

    public int Count => _bySpi.Count;

    /// <summary>False when the SPI is taken (pick another one: RFC 7296 section 2.6 only asks SPIs to be unique to us).</summary>
    public bool TryRegister(ulong spi, IActorRef sa) => spi != 0 && _bySpi.TryAdd(spi, sa);

    /// <summary>Removes the entry only if it still points at <paramref name="sa"/>.</summary>
    public bool Unregister(ulong spi, IActorRef sa) => _bySpi.TryRemove(new KeyValuePair<ulong, IActorRef>(spi, sa));

    public bool TryGet(ulong spi, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IActorRef sa) => _bySpi.TryGetValue(spi, out sa);
}
