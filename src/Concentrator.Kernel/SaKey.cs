using System.Net;

namespace Concentrator.Kernel;

/// <summary>
/// What names an SA in the kernel's state table (RFC 4301 section 4.1: SPI, destination address and security
/// protocol; XFRM's xfrm_id + daddr): the key of a counters dump, where the source, if_id and mark of
/// <see cref="SaId"/> are not needed to tell two SAs apart.
/// </summary>
public readonly record struct SaKey(IPAddress Destination, uint Spi, IpsecProtocol Protocol)
{
    public static SaKey Of(SaId sa) => new(sa.Destination, sa.Spi, sa.Protocol);
}
