using System.Net;
using System.Net.Sockets;

namespace Concentrator.Ike.Sa;

/// <summary>Where virtual IPs come from (the server's address pools). Synchronous on purpose: the IKE SA state
/// machine never waits; a pool that must ask elsewhere pre-allocates.</summary>
public interface IAddressAllocator
{
    /// <summary>An address of <paramref name="family"/> for <paramref name="peer"/>, preferably
    /// <paramref name="requested"/> (the address the client asked for, RFC 7296 §3.15.1), or null when the pool
    /// is exhausted: the responder then answers INTERNAL_ADDRESS_FAILURE (§3.15.4).</summary>
    IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested);

    /// <summary>Gives an address back when the IKE SA that held it goes away.</summary>
    void Release(IPAddress address);
}
