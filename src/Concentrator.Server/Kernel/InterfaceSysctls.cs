using Concentrator.Kernel;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Server.Kernel;

/// <summary>
/// The per-device settings a shared ipsecN needs, as libreswan's updown script sets them for an XFRM interface
/// (libreswan's wiki page "Route-based VPN using XFRMi", "Device options": its updown script sets rp_filter,
/// forwarding and disable_policy; config/sysctl.d/60-concentrator.conf lists the same for operators who create
/// the device themselves). Applied to a device the concentrator creates, right
/// after creating it; an adopted device keeps the operator's settings.
/// </summary>
public static class InterfaceSysctls
{
    /// <summary>(key, value, IPv6) in the order they are written.</summary>
    public static IReadOnlyList<(string Key, string Value, bool Ipv6)> Settings { get; } =
    [
        // Clients' packets arrive on ipsecN with pool source addresses, which a strict reverse-path check drops
        // when the pool's route is not the best way back (several interfaces, asymmetric setups).
        ("rp_filter", "0", false),
        // The device forwards between the clients and the networks behind the gateway.
        ("forwarding", "1", false),
        // Policy checks belong to the XFRM policies with the interface's if_id, not to a second lookup of the
        // decrypted packet on this device.
        ("disable_policy", "1", false),
        ("forwarding", "1", true),
        ("disable_policy", "1", true),
    ];

    // disable_xfrm is left alone on purpose: set on an XFRM interface it breaks the device completely (libreswan's
    // wiki, route-based-xfrmi.txt).

    /// <summary>
    /// Writes <see cref="Settings"/> for <paramref name="interfaceName"/> through the netlink implementation (the
    /// userspace dataplane has no kernel device to tune and is left alone). An IPv6 key the kernel does not know
    /// (IPv6 disabled, or a kernel without per-device disable_policy) is skipped; an IPv4 one that fails throws.
    /// </summary>
    public static void Apply(IKernelIpsec kernel, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel is not NetlinkKernelIpsec netlink)
        {
            return;
        }

        foreach (var (key, value, ipv6) in Settings)
        {
            try
            {
                netlink.SetInterfaceSysctl(interfaceName, key, value, ipv6);
            }
            catch (Exception e) when (ipv6 && e is FileNotFoundException or DirectoryNotFoundException)
            {
                // No IPv6 on this host or this device: nothing to tune.
            }
        }
    }
}
