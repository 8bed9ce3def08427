using System.Net;
using System.Net.Sockets;

namespace Concentrator.Ike.Sa;

/// <summary>Where virtual IPs come from (the server's address pools). Synchronous on purpose: the IKE SA state
/// machine never waits; a pool that must ask elsewhere pre-allocates.</summary>
public interface IAddressAllocator
{
    /// <summary>An address of <paramref name="family"/> for <paramref name="peer"/>, held by the IKE SA
    /// <paramref name="owner"/> (its SPI), preferably <paramref name="requested"/> (the address the client asked
    /// for, RFC 7296 §3.15.1), or null when the pool is exhausted: the responder then answers
    /// INTERNAL_ADDRESS_FAILURE (§3.15.4). <paramref name="reclaim"/> (the peer sent INITIAL_CONTACT, §2.4: it keeps
    /// no other IKE SA) lets the new SA take over the identity's address even while an older SA still holds it.</summary>
    IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim);

    /// <summary>Gives an address back when the IKE SA <paramref name="owner"/> that held it goes away; a no-op when a
    /// newer SA has taken the address over since.</summary>
    void Release(IPAddress address, ulong owner);
}
