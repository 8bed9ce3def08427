using System.Net;
using System.Text.Json;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// The real kernel path through our netlink writer alone (<see cref="IKernelIpsec"/> over NETLINK_ROUTE and
/// NETLINK_XFRM): two peers in two namespaces, each with an IKernelIpsec bound to its namespace, build a
/// route-based tunnel (xfrm interface ipsec1 with if_id 1, AES-GCM SA pair, out/in/fwd policies with the
/// if_id) and a ping crosses it. iproute2 only sets up the veth underlay and reads the result.
/// </summary>
[Trait(GuestKernel.Ring, GuestKernel.Guest)]
public sealed class NetlinkTunnelGuestTests : IAsyncDisposable
{
    private const uint SpiAtoB = 0xc000_1001;
    private const uint SpiBtoA = 0xc000_2001;
    private static readonly IPAddress OuterA = IPAddress.Parse(TwoPeers.OuterA);
    private static readonly IPAddress OuterB = IPAddress.Parse(TwoPeers.OuterB);
    private static readonly IPAddress InnerA = IPAddress.Parse("10.1.0.1");
    private static readonly IPAddress InnerB = IPAddress.Parse("10.2.0.1");
    private static readonly IPNetwork NetA = IPNetwork.Parse("10.1.0.0/24");
    private static readonly IPNetwork NetB = IPNetwork.Parse("10.2.0.0/24");

    private readonly List<IKernelIpsec> _kernels = [];
    private TwoPeers? _peers;

    public NetlinkTunnelGuestTests() => GuestKernel.Require();

    [Fact]
    public async Task NetlinkKernelIpsec_InterfaceSasAndPolicies_PingCrossesTunnelUntilDeleted()
    {
        var (a, b) = await TunnelAsync("nlping");

        // what iproute2 reads back is what we meant to write
        using (var link = JsonDocument.Parse(Tool.Ip("-n", a.Namespace, "-d", "-j", "link", "show", "dev", TunnelPeer.Device)))
        {
            var info = link.RootElement[0].GetProperty("linkinfo");
            Assert.Equal("xfrm", info.GetProperty("info_kind").GetString());
            Assert.Equal("0x1", info.GetProperty("info_data").GetProperty("if_id").GetString());
            Assert.Equal("va", link.RootElement[0].GetProperty("link").GetString());
            Assert.Contains("UP", link.RootElement[0].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        }

        var state = Tool.Ip("-n", a.Namespace, "xfrm", "state", "get", "src", TwoPeers.OuterA, "dst", TwoPeers.OuterB, "proto", "esp", "spi", $"0x{SpiAtoB:x}");
        Assert.Contains($"aead rfc4106(gcm(aes)) 0x{new string('1', 72)} 128", state, StringComparison.Ordinal);
        Assert.Contains($"reqid {TunnelPeer.Reqid} mode tunnel", state, StringComparison.Ordinal);
        Assert.Contains("if_id 0x1", state, StringComparison.Ordinal);
        Assert.Equal(3, Tool.Ip("-n", a.Namespace, "xfrm", "policy").Split('\n').Count(l => l.Trim() == "if_id 0x1"));

        var ping = Tool.Ping(a.Namespace, "10.1.0.1", "10.2.0.1");

        Assert.True(ping.ExitCode == 0, ping + Tool.Describe(a.Namespace));
        var (rxA, txA) = Tool.LinkPackets(a.Namespace, TunnelPeer.Device);
        var (rxB, txB) = Tool.LinkPackets(b.Namespace, TunnelPeer.Device);
        Assert.True(txA >= 3 && rxB >= 3 && txB >= 1 && rxA >= 1, $"ipsec1 packets: A tx {txA} rx {rxA}, B tx {txB} rx {rxB}");
        var counters = await a.Kernel.QuerySaAsync(a.Outbound(SpiAtoB));
        Assert.True(counters.Packets >= 3, $"outbound SA counted {counters.Packets} packets");
        var dumped = await a.Kernel.DumpSaCountersAsync(); // what list-sas reads: one GETSA dump, keyed by (daddr, spi, proto)
        Assert.Equal(counters.Packets, dumped![SaKey.Of(a.Outbound(SpiAtoB))].Packets);

        await a.RemoveChildSaAsync(SpiAtoB, SpiBtoA);
        var after = Tool.Ping(a.Namespace, "10.1.0.1", "10.2.0.1", count: 2, waitSeconds: 1);

        Assert.NotEqual(0, after.ExitCode);
        Assert.Equal(0, CountXfrm(a.Namespace, "state"));
        Assert.Equal(0, CountXfrm(a.Namespace, "policy"));
        await a.Kernel.DeleteInterfaceAsync(a.InterfaceIndex);
        Assert.NotEqual(0, Tool.Run("ip", "-n", a.Namespace, "link", "show", "dev", TunnelPeer.Device).ExitCode);
    }

    [Fact]
    public async Task AllocateSpiThenUpdateSa_ResponderFlow_LarvalSasBecomeTheTunnel()
    {
        _peers = new TwoPeers("nlspi");
        var a = new TunnelPeer(Open(_peers.A), _peers.A, OuterA, OuterB, InnerA, NetA, NetB);
        var b = new TunnelPeer(Open(_peers.B), _peers.B, OuterB, OuterA, InnerB, NetB, NetA);
        await a.CreateInterfaceAsync("va");
        await b.CreateInterfaceAsync("vb");

        // each side reserves the SPI it will receive on, before it knows the keys
        uint intoA = await a.AllocateInboundSpiAsync();
        uint intoB = await b.AllocateInboundSpiAsync();
        var larval = Tool.Ip("-n", a.Namespace, "xfrm", "state");
        await a.InstallChildSaAsync(intoB, TunnelPeer.Key(0x33), intoA, TunnelPeer.Key(0x44), inboundAllocated: true);
        await b.InstallChildSaAsync(intoA, TunnelPeer.Key(0x44), intoB, TunnelPeer.Key(0x33), inboundAllocated: true);
        var ping = Tool.Ping(a.Namespace, "10.1.0.1", "10.2.0.1");

        Assert.InRange(intoA, 0xC000_0000u, 0xCFFF_FFFFu);
        Assert.InRange(intoB, 0xC000_0000u, 0xCFFF_FFFFu);
        Assert.Contains($"spi 0x{intoA:x8}", larval, StringComparison.Ordinal);
        Assert.True(ping.ExitCode == 0, ping + Tool.Describe(a.Namespace));
        // the larval SA was replaced, not joined by a second one
        Assert.Equal(2, CountXfrm(a.Namespace, "state"));
        var counters = await a.Kernel.QuerySaAsync(a.Inbound(intoA));
        Assert.True(counters.Packets >= 1, $"inbound SA 0x{intoA:x} counted {counters.Packets} packets");
    }

    [Fact]
    public async Task FindInterfaceByIfId_UnmanagedXfrmInterfaceExists_IsFoundAndSurvivesFlush()
    {
        _peers = new TwoPeers("nladopt");
        // made by someone else (an operator, a previous run): ours to adopt by if_id, not to delete
        Tool.Ip("-n", _peers.A, "link", "add", "ipsec7", "type", "xfrm", "dev", "va", "if_id", "7");
        var kernel = Open(_peers.A);

        var found = await kernel.FindInterfaceByIfIdAsync(7);
        var missing = await kernel.FindInterfaceByIfIdAsync(8);
        var removed = await kernel.FlushOwnedAsync(KernelOwnership.Default(7));

        Assert.NotNull(found);
        Assert.Equal("ipsec7", found.Name);
        Assert.Equal("xfrm", found.Kind);
        Assert.Equal(7u, found.IfId);
        Assert.Equal(TunnelPeer.LinkIndex(_peers.A, "va"), found.LinkIndex);
        Assert.Equal(TunnelPeer.LinkIndex(_peers.A, "ipsec7"), found.Index);
        Assert.Null(missing);
        Assert.Equal(0, removed);
        Assert.Equal(0, Tool.Run("ip", "-n", _peers.A, "link", "show", "dev", "ipsec7").ExitCode);
    }

    [Fact]
    public async Task FlushOwned_AfterRestartWithStaleState_RemovesOnlyOursAndTunnelComesBack()
    {
        var (a, _) = await TunnelAsync("nlflush");
        // strongSwan-like neighbours in the same namespace: reqid 1, no if_id; they must survive our flush
        Tool.IpBatch(
            a.Namespace,
            $"xfrm state add src {TwoPeers.OuterA} dst 192.0.2.9 proto esp spi 0x500 reqid 1 mode tunnel aead rfc4106(gcm(aes)) 0x{new string('3', 72)} 128",
            $"xfrm policy add src 10.9.0.0/24 dst 10.8.0.0/24 dir out tmpl src {TwoPeers.OuterA} dst 192.0.2.9 proto esp reqid 1 mode tunnel");
        Assert.Equal(3, CountXfrm(a.Namespace, "state"));
        Assert.Equal(4, CountXfrm(a.Namespace, "policy"));

        // the daemon restarts: a new writer finds the previous run's SAs and policies in the kernel
        await a.Kernel.DisposeAsync();
        _kernels.Remove(a.Kernel);
        var restarted = Open(a.Namespace);
        var removed = await restarted.FlushOwnedAsync(KernelOwnership.Default(TunnelPeer.IfId));

        Assert.Equal(5, removed);
        Assert.Equal(1, CountXfrm(a.Namespace, "state"));
        Assert.Equal(1, CountXfrm(a.Namespace, "policy"));
        Assert.Contains("reqid 1 ", Tool.Ip("-n", a.Namespace, "xfrm", "state"), StringComparison.Ordinal);
        var stale = Tool.Ping(a.Namespace, "10.1.0.1", "10.2.0.1", count: 1, waitSeconds: 1);
        Assert.NotEqual(0, stale.ExitCode);

        // reconcile: the interface was adopted (still there), the CHILD SA is installed again
        var adopted = await restarted.FindInterfaceByIfIdAsync(TunnelPeer.IfId);
        Assert.Equal(a.InterfaceIndex, adopted?.Index);
        var again = new TunnelPeer(restarted, a.Namespace, OuterA, OuterB, InnerA, NetA, NetB);
        await again.InstallChildSaAsync(SpiAtoB, TunnelPeer.Key(0x11), SpiBtoA, TunnelPeer.Key(0x22));
        var ping = Tool.Ping(a.Namespace, "10.1.0.1", "10.2.0.1");
        Assert.True(ping.ExitCode == 0, ping + Tool.Describe(a.Namespace));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var kernel in _kernels)
        {
            await kernel.DisposeAsync();
        }

        _peers?.Dispose();
    }

    private async Task<(TunnelPeer A, TunnelPeer B)> TunnelAsync(string tag)
    {
        _peers = new TwoPeers(tag);
        var a = new TunnelPeer(Open(_peers.A), _peers.A, OuterA, OuterB, InnerA, NetA, NetB);
        var b = new TunnelPeer(Open(_peers.B), _peers.B, OuterB, OuterA, InnerB, NetB, NetA);
        await a.CreateInterfaceAsync("va");
        await b.CreateInterfaceAsync("vb");
        await a.InstallChildSaAsync(SpiAtoB, TunnelPeer.Key(0x11), SpiBtoA, TunnelPeer.Key(0x22));
        await b.InstallChildSaAsync(SpiBtoA, TunnelPeer.Key(0x22), SpiAtoB, TunnelPeer.Key(0x11));
        return (a, b);
    }

    private IKernelIpsec Open(string ns)
    {
        var kernel = GuestKernelIpsec.Open(TwoPeers.PathOf(ns));
        _kernels.Add(kernel);
        return kernel;
    }

    /// <summary>How many states or policies <c>ip xfrm state|policy</c> lists (each entry starts with "src ").</summary>
    private static int CountXfrm(string ns, string what) =>
        Tool.Ip("-n", ns, "xfrm", what).Split('\n').Count(l => l.StartsWith("src ", StringComparison.Ordinal));
}
