using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>Opens the netlink implementation of <see cref="IKernelIpsec"/> with all its sockets in one network namespace.</summary>
internal static class GuestKernelIpsec
{
    public static IKernelIpsec Open(string namespacePath) =>
        NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = namespacePath });
}
