using System.Net.Sockets;
using System.Runtime.InteropServices;
using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// Per-socket IPsec bypass, as strongSwan and libreswan set it on their IKE sockets: an "allow" socket policy for
/// each direction (setsockopt IP_XFRM_POLICY / IPV6_XFRM_POLICY with a struct xfrm_userpolicy_info that has no
/// template) takes precedence over the XFRM policy database for that socket's packets. Without it, a CHILD SA whose
/// traffic selectors cover the peer's own outer address (a host-to-host /32 ↔ /32 tunnel) would capture the IKE
/// messages themselves and send them into ESP, or drop them while no state exists: the tunnel could never be
/// rekeyed or deleted.
/// </summary>
public static class SocketPolicyBypass
{
    // linux/in.h and linux/in6.h
    private const int SolIp = 0;
    private const int SolIpv6 = 41;
    private const int IpXfrmPolicy = 17;
    private const int Ipv6XfrmPolicy = 35;

    /// <summary>Applies the bypass to both directions of <paramref name="socket"/> (IPv4 or IPv6). Needs
    /// CAP_NET_ADMIN; throws <see cref="SocketException"/> when the kernel refuses (no XFRM support:
    /// ENOPROTOOPT).</summary>
    public static void Apply(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        bool v6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
        foreach (byte direction in new[] { XfrmConstants.XFRM_POLICY_IN, XfrmConstants.XFRM_POLICY_OUT })
        {
            var policy = new xfrm_userpolicy_info
            {
                dir = direction,
                action = XfrmConstants.XFRM_POLICY_ALLOW,
            };
            policy.sel.family = v6 ? AddressFamilies.AF_INET6 : AddressFamilies.AF_INET;
            socket.SetRawSocketOption(v6 ? SolIpv6 : SolIp, v6 ? Ipv6XfrmPolicy : IpXfrmPolicy,
                MemoryMarshal.AsBytes(new ReadOnlySpan<xfrm_userpolicy_info>(in policy)));
        }
    }
}
