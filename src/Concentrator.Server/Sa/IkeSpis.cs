using Akka.Actor;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

/// <summary>
/// The IKE SPIs of one IKE SA and of the SAs that replace it by rekeying, each drawn and registered in the node's
/// <see cref="SpiTable"/> in one step for the actor that holds the SA now (the SA's <c>IkeSpiAllocator</c>). They
/// move with the SA from its half-open actor to its established one (<see cref="MoveTo"/>) and are released when
/// the SA that uses them ends, including one drawn for a rekey that never completed. Used on the holding actor's
/// thread only. One SPI in the common case (two during a rekey): an array sized to them, not a hash set.
/// </summary>
public sealed class IkeSpis(SpiTable table, IActorRef owner) : Concentrator.Ike.Sa.IIkeSpiSource
{
    private ulong[] _held = [];

    public IActorRef Owner { get; private set; } = owner;

    public ulong Allocate()
    {
        ulong spi = table.Allocate(Owner);
        _held = [.. _held, spi];
        return spi;
    }

    /// <summary>Points every SPI at <paramref name="next"/>; datagrams the socket routes afterwards reach it.</summary>
    public void MoveTo(IActorRef next)
    {
        foreach (ulong spi in _held)
        {
            table.Transfer(spi, Owner, next);
        }

        Owner = next;
    }

    public void Release(ulong spi)
    {
        int i = Array.IndexOf(_held, spi);
        if (i >= 0)
        {
            _held = [.. _held.AsSpan(0, i), .. _held.AsSpan(i + 1)];
            table.Unregister(spi, Owner);
        }
    }

    public void ReleaseAll()
    {
        foreach (ulong spi in _held)
        {
            table.Unregister(spi, Owner);
        }

        _held = [];
    }
}
