using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Netns;

/// <summary>
/// A fresh namespace with a veth pair (v0 ↔ v1, both up) and a <see cref="NetlinkKernelIpsec"/> whose sockets
/// live in it. Addresses are TEST-NET and 10.x, only inside the namespace.
/// </summary>
public sealed partial class KernelFixture : IAsyncDisposable
{
    public const uint IfId = 0x4001;
    public const uint OwnedReqid = KernelOwnership.DefaultFirstReqid + 1;

    private KernelFixture(TestNamespace ns, NetlinkKernelIpsec kernel, int v0)
    {
        Ns = ns;
        Kernel = kernel;
        V0 = v0;
    }

    public TestNamespace Ns { get; }
    public NetlinkKernelIpsec Kernel { get; }

    /// <summary>ifindex of v0.</summary>
    public int V0 { get; }

    public static KernelFixture Create(WriterOptions? xfrm = null)
    {
        var ns = new TestNamespace();
        ns.Ip("link add v0 type veth peer name v1");
        ns.Ip("link set v0 up");
        ns.Ip("link set v1 up");
        int v0 = IfIndex(ns, "v0");
        var kernel = NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = ns.Path, Xfrm = xfrm ?? new WriterOptions() });
        return new KernelFixture(ns, kernel, v0);
    }

    public static int IfIndex(TestNamespace ns, string name) =>
        int.Parse(IfIndexPattern().Match(ns.Ip($"-o link show {name}")).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// What iproute2 says when it asks this kernel for the same thing: (exit code, text of "Error: ….").
    /// No shell runs the arguments: write algorithm names without quotes.
    /// Run in a throwaway namespace, so it cannot disturb the test's own.
    /// </summary>
    public static (bool Ok, string? Error) ProbeWithIproute(string ipArgs)
    {
        using var probe = new TestNamespace();
        var (code, output) = probe.TryIp(ipArgs);
        var m = ErrorPattern().Match(output);
        return (code == 0, m.Success ? m.Groups[1].Value : null);
    }

    public static PolicyRequest Policy(PolicyDirection dir, string client, string gateway = "192.0.2.1", string peer = "198.51.100.7")
    {
        var vip = IPNetwork.Parse(client);
        var any = new IPNetwork(vip.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var peerAddr = IPAddress.Parse(peer);
        var gw = IPAddress.Parse(gateway);
        var selector = dir == PolicyDirection.Out ? new TrafficSelector(any, vip) : new TrafficSelector(vip, any);
        var tmpl = dir == PolicyDirection.Out ? new PolicyTemplate(gw, peerAddr, OwnedReqid) : new PolicyTemplate(peerAddr, gw, OwnedReqid);
        return new PolicyRequest(selector, dir, [tmpl]) { IfId = IfId, Priority = 1000 };
    }

    public async ValueTask DisposeAsync()
    {
        await Kernel.DisposeAsync();
        Ns.Dispose();
    }

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex IfIndexPattern();

    [GeneratedRegex(@"Error: (.*?)\.?\s*$", RegexOptions.Multiline)]
    private static partial Regex ErrorPattern();
}
