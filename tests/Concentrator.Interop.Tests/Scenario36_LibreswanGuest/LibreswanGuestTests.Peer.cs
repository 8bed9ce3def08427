using System.Diagnostics;
using System.Text.Json;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

// Concentrator against Concentrator in the same boot: the gateway's trap on the kernel dataplane (ACQUIRE from the
// kernel, IPv4 and IPv6), its re-arm after the SA is terminated, and OSPF between the two Hosts over the tunnel.
public sealed partial class LibreswanGuestTests
{
    private const string TrapInstalled = "connection peertrap: trap installed";
    private const string Acquired = "connection peertrap: ACQUIRE for";

    /// <summary>
    /// start-action = trap end to end in the kernel: the out policies (0/0 and ::/0, if_id 4, a template to the peer)
    /// are in without a state and nothing is sent; the LAN's first packet to the peer's network, routed into ipsec4
    /// by the connection's routes, meets them: the kernel's XFRM ACQUIRE, our initiator, the IKE SA and its CHILD SA,
    /// and the ping passes through ipsec4 (IPv6 too, inside the IPv4 tunnel). The operator terminates the SA: the
    /// trap is in again, and this time an IPv6 packet asks (an ACQUIRE for the ::/0 policy) and brings a new SA.
    /// </summary>
    private void PeerTrap(LibreswanLab lab)
    {
        log.WriteLine($"peer Host: waited {lab.WaitForPeerRunning().TotalSeconds:F1} s for it to be running");
        var step = Stopwatch.StartNew();
        lab.WaitFor(() => lab.HostLog.Contains(TrapInstalled, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the trap of peertrap was not installed");
        var policies = Tool.Ip("-n", LibreswanLab.Gw, "xfrm", "policy");
        Assert.Contains($"tmpl src {LibreswanLab.GwTowardsPeer} dst {LibreswanLab.PeerOuter}", policies, StringComparison.Ordinal);
        Assert.Contains("src ::/0 dst ::/0", policies, StringComparison.Ordinal);
        Assert.Empty(PeerStates(LibreswanLab.PeerOuter));
        Assert.DoesNotContain(Acquired, lab.HostLog, StringComparison.Ordinal);
        Assert.Contains($"{LibreswanLab.PeerNet} dev ipsec4", Tool.Ip("-n", LibreswanLab.Gw, "route"), StringComparison.Ordinal);

        // The first packet asks: the first echoes are lost while the SA comes up, then they pass.
        WaitForPing(lab, LibreswanLab.LanHost, LibreswanLab.PeerHost);
        log.WriteLine($"peertrap: first packet to ping through after {step.Elapsed.TotalSeconds:F1} s");
        Assert.Single(Lines(lab.HostLog, Acquired));
        var first = PeerStates(LibreswanLab.PeerOuter);
        Assert.Equal(2, first.Count);
        Assert.All(first, s => Assert.True(s.HasIfId(4), "peertrap state without if_id 4:\n" + s.Text));
        var (rx, tx) = Tool.LinkPackets(LibreswanLab.Gw, "ipsec4");
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.PeerHost);
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost6, LibreswanLab.PeerHost6);
        var (rx2, tx2) = Tool.LinkPackets(LibreswanLab.Gw, "ipsec4");
        Assert.True(rx2 >= rx + 6 && tx2 >= tx + 6, $"ipsec4 counters: rx {rx}->{rx2}, tx {tx}->{tx2}");
        Assert.Single(JsonDocument.Parse(lab.PeerCli("list-sas", "--json").Output).RootElement.EnumerateArray());

        // The operator ends the SA; the trap comes back by itself.
        step.Restart();
        var terminate = lab.Cli("terminate", "--connection", "peertrap");
        Assert.True(terminate.Code == 0, "terminate --connection peertrap: " + terminate.Output);
        lab.WaitFor(() => PeerStates(LibreswanLab.PeerOuter).Count == 0 && Lines(lab.HostLog, TrapInstalled).Count >= 2,
            TimeSpan.FromSeconds(60), "the SA did not go or the trap did not come back");
        Assert.Contains("src ::/0 dst ::/0", Tool.Ip("-n", LibreswanLab.Gw, "xfrm", "policy"), StringComparison.Ordinal);
        lab.WaitFor(() => JsonDocument.Parse(lab.PeerCli("list-sas", "--json").Output).RootElement.GetArrayLength() == 0,
            TimeSpan.FromSeconds(30), "the peer kept the terminated SA");

        WaitForPing(lab, LibreswanLab.LanHost6, LibreswanLab.PeerHost6);
        log.WriteLine($"peertrap: terminate, re-arm and IPv6 first packet to ping through in {step.Elapsed.TotalSeconds:F1} s");
        var acquired = Lines(lab.HostLog, Acquired);
        Assert.Equal(2, acquired.Count);
        Assert.Contains("::", acquired[1].Split(Acquired)[1], StringComparison.Ordinal);
        var second = PeerStates(LibreswanLab.PeerOuter);
        Assert.Equal(2, second.Count);
        Assert.All(second, s => Assert.DoesNotContain(first, f => f.Spi == s.Spi));
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.PeerHost);
    }

    /// <summary>
    /// OSPF between the two Concentrators over the trapped tunnel: each Host put its connection's interface-ip on its
    /// ipsecN (10.255.40.1/30 on the gateway's ipsec4, .2 on the peer's ipsec1), FRR's ospfd at both ends reaches Full
    /// over them and each learns the other's host that no static route names (10.41.0.1 behind the peer, 10.42.0.1 on
    /// the gateway); the learned routes carry the ping.
    /// </summary>
    private void PeerOspf(LibreswanLab lab)
    {
        var step = Stopwatch.StartNew();
        Assert.Contains("inet 10.255.40.1/30", Tool.Ip("-n", LibreswanLab.Gw, "addr", "show", "dev", "ipsec4"), StringComparison.Ordinal);
        Assert.Contains("inet 10.255.40.2/30", Tool.Ip("-n", LibreswanLab.Peer, "addr", "show", "dev", "ipsec1"), StringComparison.Ordinal);
        Tool.IpBatch(LibreswanLab.Gw, "link set ipsec4 multicast on");
        Tool.IpBatch(LibreswanLab.Peer, "link set ipsec1 multicast on");
        Assert.NotEqual(0, Tool.Ping(LibreswanLab.Gw, LibreswanLab.GwOspfHost, LibreswanLab.PeerOspfHost, count: 1, waitSeconds: 1).ExitCode);

        using var ours = new Frr(LibreswanLab.Gw, Path.Combine(lab.WorkDirectory, "frr-gw-peer"),
            PeerOspfConf("ipsec4", "10.255.40.1", LibreswanLab.GwOspfHost));
        using var theirs = new Frr(LibreswanLab.Peer, Path.Combine(lab.WorkDirectory, "frr-peer"),
            PeerOspfConf("ipsec1", "10.255.40.2", LibreswanLab.PeerOspfHost));
        string Describe() => $"--- gw frr\n{ours.Log}\n{ours.Vtysh("show ip ospf neighbor")}\n--- peer frr\n{theirs.Log}\n{theirs.Vtysh("show ip ospf neighbor")}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!(Tool.Ip("-n", LibreswanLab.Gw, "route", "show", $"{LibreswanLab.PeerOspfHost}/32").Contains("proto ospf", StringComparison.Ordinal)
            && Tool.Ip("-n", LibreswanLab.Peer, "route", "show", $"{LibreswanLab.GwOspfHost}/32").Contains("proto ospf", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no OSPF routes between the two Concentrators within 90 s\n{Describe()}\n{lab.Diagnostics()}");
            Thread.Sleep(500);
        }

        Assert.Contains("Full", ours.Vtysh("show ip ospf neighbor").Output, StringComparison.Ordinal);
        Assert.Contains("Full", theirs.Vtysh("show ip ospf neighbor").Output, StringComparison.Ordinal);
        Assert.Contains("dev ipsec4", Tool.Ip("-n", LibreswanLab.Gw, "route", "show", $"{LibreswanLab.PeerOspfHost}/32"), StringComparison.Ordinal);
        Assert.Contains("dev ipsec1", Tool.Ip("-n", LibreswanLab.Peer, "route", "show", $"{LibreswanLab.GwOspfHost}/32"), StringComparison.Ordinal);
        log.WriteLine($"OSPF between the Concentrators: adjacency and routes after {step.Elapsed.TotalSeconds:F1} s");
        PingMustCross(lab, LibreswanLab.Gw, LibreswanLab.GwOspfHost, LibreswanLab.PeerOspfHost);
        PingMustCross(lab, LibreswanLab.Peer, LibreswanLab.PeerOspfHost, LibreswanLab.GwOspfHost);
    }

    /// <summary>ospfd.conf for one end: <paramref name="device"/> point-to-point with fast hellos, the /30 and the
    /// end's own host in area 0.</summary>
    private static string PeerOspfConf(string device, string routerId, string host) => $"""
        hostname ospfd
        log stdout informational
        interface {device}
         ip ospf network point-to-point
         ip ospf hello-interval 1
         ip ospf dead-interval 4
        router ospf
         ospf router-id {routerId}
         network 10.255.40.0/30 area 0
         network {host}/32 area 0
        """;

    /// <summary>Pings from the LAN once a second until one is answered (the trap's first packets are lost while the SA
    /// comes up); fails after 90 s.</summary>
    private static void WaitForPing(LibreswanLab lab, string source, string destination)
    {
        lab.WaitFor(() => Tool.Ping(LibreswanLab.Lan, source, destination, count: 1, waitSeconds: 1).ExitCode == 0, TimeSpan.FromSeconds(90),
            $"no ping {source} -> {destination} through the trap");
    }

    private static List<string> Lines(string log, string text) =>
        log.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
}
