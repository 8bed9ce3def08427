using System.Net;
using System.Net.Sockets;

namespace Concentrator.Server.Pools;

/// <summary>Asks for a virtual IP of <paramref name="Family"/> for the peer <paramref name="Identity"/> (its
/// identity in text form) on behalf of IKE SA <paramref name="SaId"/> (our SPI). The sender is watched: when it
/// stops, every address it holds is released. Answered with <see cref="Acquired"/> or <see cref="Exhausted"/>.</summary>
public sealed record Acquire(string Identity, AddressFamily Family, ulong SaId)
{
    /// <summary>The address the client asked for (CFG_REQUEST with a non-empty INTERNAL_IP4_ADDRESS, RFC 7296 section 3.15.1).</summary>
    public IPAddress? Requested { get; init; }

    /// <summary>The new SA replaces the identity's old one (INITIAL_CONTACT): take its address over.</summary>
    public bool Reclaim { get; init; }
}

/// <summary>The address for <see cref="Acquire"/>, from <paramref name="Pool"/>.</summary>
public sealed record Acquired(ulong SaId, IPAddress Address, IPNetwork Pool);

/// <summary>No address: every address of the family is held, or the connection has no pool of that family
/// (<paramref name="NoPoolOfFamily"/>). The IKE layer answers INTERNAL_ADDRESS_FAILURE (RFC 7296 section 3.15.4).</summary>
public sealed record Exhausted(ulong SaId, AddressFamily Family, bool NoPoolOfFamily);

/// <summary>Gives an address back (the SA was deleted). No answer.</summary>
public sealed record Release(ulong SaId, IPAddress Address);

/// <summary>Gives back every address SA <paramref name="SaId"/> holds. No answer.</summary>
public sealed record ReleaseAll(ulong SaId);

/// <summary>Asks for the pools' usage; answered with <see cref="PoolUsage"/>.</summary>
public sealed record GetPoolUsage
{
    public static GetPoolUsage Instance { get; } = new();
}

/// <summary>Per pool: how many addresses it has, how many live SAs hold one, how many were ever used.</summary>
public sealed record PoolUsage(IReadOnlyList<(IPNetwork Prefix, ulong Size, int Online, int Used)> Pools);
