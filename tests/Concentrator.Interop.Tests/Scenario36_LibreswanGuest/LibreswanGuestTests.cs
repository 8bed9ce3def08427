using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Concentrator.Interop.Tests.Scenario09_GuestKernel;
using Concentrator.Kernel.Tests.Guest;
using Xunit.Abstractions;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

/// <summary>
/// Interop scenario 36: libreswan 4.x (Debian bookworm's pluto, kernel XFRM with its own ipsecN devices) against the
/// Host on the kernel dataplane, both in the guest kernel, our side being the connection file that
/// <c>concentrator import-libreswan</c> wrote from the peers' own ipsec.conf. Runs only inside the guest
/// (<see cref="LibreswanRingTests"/> boots it for this class alone).
/// </summary>
[Trait(GuestKernel.Ring, GuestKernel.Guest)]
[GuestBoot(LibreswanRingTests.Boot)]
public sealed partial class LibreswanGuestTests(ITestOutputHelper log)
{
    /// <summary>
    /// One Host serves both peers (a Host start costs ~25 s under TCG): first the road warrior (PSK, mode-config
    /// client, ipsec-interface=yes on both ends) gets a lease from our pool and pings the LAN through ipsec1, then the
    /// same with ECDSA certificates from a second pool; then the
    /// route-based site (0/0 both ways, ipsec2 at both ends, routes into it by hand) pings both ways, libreswan
    /// rekeys its CHILD SA (PFS) under a running ping and then its IKE SA, and traffic goes on; then the other
    /// direction: the gateway initiates a second 0/0 site (start-action = start, ipsec3, its `routes`), pings both
    /// ways, rekeys the CHILD SA under a running ping and the IKE SA itself; and OSPF over ipsec3, our address on it
    /// from the connection's interface-ip. Then a second Concentrator Host (started once the first runs): the gateway's trap
    /// to it on the kernel dataplane, IPv4 and IPv6, re-armed after a terminate, and OSPF between the two
    /// (LibreswanGuestTests.Peer.cs). Last, the gateway's trap towards libreswan: the LAN's first packet brings up the
    /// SA with pluto (LibreswanGuestTests.Trap.cs), and configurations of libreswan's own test suite, imported and
    /// brought up from pluto (LibreswanGuestTests.TestSuite.cs).
    /// </summary>
    [Fact]
    public void Libreswan_ImportedRoadWarriorAndRouteBasedSite_ConnectPingAndRekey()
    {
        GuestKernel.Require();
        var clock = Stopwatch.StartNew();
        using var lab = new LibreswanLab();
        log.WriteLine($"Host running after {lab.HostStartup.TotalSeconds:F1} s, lab ready after {clock.Elapsed.TotalSeconds:F1} s");

        // The importer took both conns as they are, with this gateway as their right end.
        var (messages, imported) = lab.ImportOutput;
        Assert.Contains("imported 3 conn(s)", messages, StringComparison.Ordinal);
        Assert.Contains("0 refused", messages, StringComparison.Ordinal);
        Assert.Contains("""addresses = [ "10.36.0.0/24" ]""", imported, StringComparison.Ordinal);
        Assert.Contains("""remote-ts = [ "0.0.0.0/0" ]""", imported, StringComparison.Ordinal);
        Assert.Contains("""esp-proposals = [ "aes256gcm16-x25519" ]""", imported, StringComparison.Ordinal);

        Assert.Contains("""certs = [ "gw.pem" ]""", imported, StringComparison.Ordinal);

        RoadWarrior(lab, "road", "gateway", "10.36.0.");
        log.WriteLine($"road warrior (PSK) done after {clock.Elapsed.TotalSeconds:F1} s");

        // The same client with its certificate instead: the PSK conn goes (its SAs deleted), the certificate conn
        // comes up from the second imported pool.
        var delete = lab.RoadPluto.Whack(60, "--delete", "--name", "road");
        Assert.True(delete.ExitCode == 0, "whack --delete: " + delete);
        lab.WaitFor(() => PeerStates("192.0.2.2").Count == 0, TimeSpan.FromSeconds(30), "the PSK road warrior's CHILD SA did not go");
        RoadWarrior(lab, "roadcert", "gatewaycert", "10.36.1.");
        log.WriteLine($"road warrior (certificate) done after {clock.Elapsed.TotalSeconds:F1} s");
        Site(lab);
        log.WriteLine($"site-to-site done after {clock.Elapsed.TotalSeconds:F1} s");
        Initiate(lab);
        log.WriteLine($"gateway-initiated site done after {clock.Elapsed.TotalSeconds:F1} s");
        Ospf(lab);
        log.WriteLine($"OSPF done after {clock.Elapsed.TotalSeconds:F1} s");
        PeerTrap(lab);
        log.WriteLine($"trap to the second Concentrator done after {clock.Elapsed.TotalSeconds:F1} s");
        PeerOspf(lab);
        log.WriteLine($"OSPF between the Concentrators done after {clock.Elapsed.TotalSeconds:F1} s");
        SiteTrap(lab);
        log.WriteLine($"trap to libreswan done after {clock.Elapsed.TotalSeconds:F1} s");
        TestSuite(lab);
        log.WriteLine($"libreswan's test-suite configurations done after {clock.Elapsed.TotalSeconds:F1} s");

        // SIGTERM with both peers up: the Host deletes their SAs and takes its own out of the kernel.
        Assert.Equal(0, lab.StopHost(TimeSpan.FromSeconds(60)));
        Assert.Empty(Tool.Ip("-n", LibreswanLab.Gw, "xfrm", "state").Trim());
        Assert.NotEqual(0, Tool.Run("ip", "-n", LibreswanLab.Gw, "link", "show", "dev", "ipsec2").ExitCode);
        Assert.NotEqual(0, Tool.Run("ip", "-n", LibreswanLab.Gw, "link", "show", "dev", "ipsec3").ExitCode);
        Assert.NotEqual(0, Tool.Run("ip", "-n", LibreswanLab.Gw, "link", "show", "dev", "ipsec5").ExitCode);
        Assert.DoesNotContain("10.255.36.1", Tool.Ip("-n", LibreswanLab.Gw, "addr"), StringComparison.Ordinal);
        log.WriteLine($"scenario 36 done in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private void RoadWarrior(LibreswanLab lab, string conn, string ours, string poolPrefix)
    {
        lab.RoadPluto.Add(conn);
        var step = Stopwatch.StartNew();
        var up = lab.RoadPluto.Whack(150, "--initiate", "--name", conn);
        Assert.True(up.Output.Contains("initiator established Child SA", StringComparison.Ordinal), $"road: {up}\n{lab.Diagnostics()}");
        log.WriteLine($"{conn}: whack --initiate took {step.Elapsed.TotalSeconds:F1} s");
        var lease = LeasePattern().Match(up.Output);
        Assert.True(lease.Success, "no INTERNAL_IP4_ADDRESS in:\n" + up);
        string vip = lease.Groups[1].Value;
        Assert.StartsWith(poolPrefix, vip, StringComparison.Ordinal);
        Assert.Contains($"[{vip}-{vip}:0-65535 0] -> [198.51.100.0-198.51.100.255:0-65535 0]", up.Output, StringComparison.Ordinal);

        // libreswan put the lease on its own ipsec1 and routed our LAN into it; we did the mirror image.
        Assert.Contains($"inet {vip}/32", Tool.Ip("-n", LibreswanLab.Road, "addr", "show", "dev", "ipsec1"), StringComparison.Ordinal);
        Assert.Contains($"{LibreswanLab.LanNet} dev ipsec1", Tool.Ip("-n", LibreswanLab.Road, "route"), StringComparison.Ordinal);
        Assert.Contains($"{poolPrefix}0/24 dev ipsec1", Tool.Ip("-n", LibreswanLab.Gw, "route"), StringComparison.Ordinal);
        lab.WaitFor(() => lab.HostLog.Contains($"at 192.0.2.2:500, virtual IP {vip}, connection {ours} on ipsec1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the Host did not log the road warrior's IKE SA");
        var states = PeerStates("192.0.2.2");
        Assert.Equal(2, states.Count);
        Assert.All(states, s => Assert.True(s.HasIfId(1), "road warrior state without if_id 1:\n" + s.Text));

        var (rx, tx) = Tool.LinkPackets(LibreswanLab.Gw, "ipsec1");
        PingMustCross(lab, LibreswanLab.Road, vip, LibreswanLab.LanHost);
        var (rx2, tx2) = Tool.LinkPackets(LibreswanLab.Gw, "ipsec1");
        Assert.True(rx2 >= rx + 3 && tx2 >= tx + 3, $"ipsec1 counters: rx {rx}->{rx2}, tx {tx}->{tx2}");
    }

    private void Site(LibreswanLab lab)
    {
        lab.SitePluto.Add("site");
        var step = Stopwatch.StartNew();
        var up = lab.SitePluto.Whack(150, "--initiate", "--name", "site");
        Assert.True(up.Output.Contains("initiator established Child SA", StringComparison.Ordinal), $"site: {up}\n{lab.Diagnostics()}");
        log.WriteLine($"site: whack --initiate took {step.Elapsed.TotalSeconds:F1} s");
        Assert.Contains("[0.0.0.0-255.255.255.255:0-65535 0] -> [0.0.0.0-255.255.255.255:0-65535 0]", up.Output, StringComparison.Ordinal);
        var before = PeerStates("192.0.3.2");
        Assert.Equal(2, before.Count);
        Assert.All(before, s => Assert.True(s.HasIfId(2), "site state without if_id 2:\n" + s.Text));

        // 0/0 selectors: neither end routes anything into ipsec2 by itself (libreswan says "cannot add route");
        // the operator does, as the reference page's "ip route add ... dev ipsec1". The imported connection has no
        // `routes` (libreswan's conn has nothing to import it from), so the test adds ours by hand here; the
        // connection this gateway initiates below names its routes instead.
        Assert.DoesNotContain("ipsec2", Tool.Ip("-n", LibreswanLab.Gw, "route"), StringComparison.Ordinal);
        Tool.IpBatch(LibreswanLab.Gw, $"route add {LibreswanLab.SiteNet} dev ipsec2");
        Tool.IpBatch(LibreswanLab.Site, $"route add {LibreswanLab.LanNet} dev ipsec2 src {LibreswanLab.SiteHost}");
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.SiteHost);
        PingMustCross(lab, LibreswanLab.Site, LibreswanLab.SiteHost, LibreswanLab.LanHost);

        // libreswan rekeys the CHILD SA (CREATE_CHILD_SA with KE: pfs) while the LAN pings the site.
        step.Restart();
        using (var ping = RunningPing(LibreswanLab.Lan, LibreswanLab.SiteHost))
        {
            Thread.Sleep(1000); // a few echoes before the rekey
            var rekey = lab.SitePluto.Whack(90, "--rekey-ipsec", "--name", "site");
            Assert.True(rekey.ExitCode == 0 && !rekey.Output.Contains("failed", StringComparison.Ordinal), $"whack --rekey-ipsec: {rekey}\n{lab.Diagnostics()}");
            lab.WaitFor(() => PeerStates("192.0.3.2") is { Count: 2 } now && now.All(s => before.All(b => b.Spi != s.Spi)),
                TimeSpan.FromSeconds(60), "the gateway did not replace the site's CHILD SA");
            Thread.Sleep(1000); // a few echoes after it
            var (sent, received) = Stop(ping);
            log.WriteLine($"site: CHILD SA rekey took {step.Elapsed.TotalSeconds:F1} s; ping during it: {received}/{sent} echoes answered");
            Assert.True(sent >= 5 && received >= sent * 9 / 10, $"ping through the CHILD SA rekey: {received} of {sent} answered\n{lab.Diagnostics()}");
        }

        var rekeyed = PeerStates("192.0.3.2");
        Assert.All(rekeyed, s => Assert.True(s.HasIfId(2), "rekeyed site state without if_id 2:\n" + s.Text));
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.SiteHost);

        // libreswan rekeys the IKE SA: the CHILD SA moves to the new one, untouched in the kernel.
        step.Restart();
        var ike = lab.SitePluto.Whack(90, "--rekey-ike", "--name", "site");
        Assert.True(ike.Output.Contains("initiator rekeyed IKE SA", StringComparison.Ordinal), $"whack --rekey-ike: {ike}\n{lab.Diagnostics()}");
        lab.WaitFor(() => lab.HostLog.Contains("IKE SA rekeyed", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the Host did not log the IKE SA rekey");
        Assert.Equal(rekeyed.Select(s => s.Spi).Order(), PeerStates("192.0.3.2").Select(s => s.Spi).Order());
        PingMustCross(lab, LibreswanLab.Site, LibreswanLab.SiteHost, LibreswanLab.LanHost);
        log.WriteLine($"site: IKE SA rekey and ping took {step.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The other direction: libreswan's <c>siteback</c> only answers (auto=add, ipsec3), our connection says
    /// start-action = start and is added by a reload; the gateway initiates, routes the site's network into ipsec3 by
    /// its <c>routes</c> key (libreswan's end gets its route by hand, as the reference page writes it), pings cross
    /// both ways, and then the gateway rekeys the CHILD SA (<c>concentrator rekey ID</c>, PFS) under a running ping
    /// and the IKE SA (<c>--ike</c>), traffic going on. The first site conn goes first: libreswan would not put a second
    /// 0/0 conn's policies next to the first's.
    /// </summary>
    private void Initiate(LibreswanLab lab)
    {
        var step = Stopwatch.StartNew();
        var delete = lab.SitePluto.Whack(60, "--delete", "--name", "site");
        Assert.True(delete.ExitCode == 0, "whack --delete site: " + delete);
        lab.WaitFor(() => PeerStates("192.0.3.2").Count == 0, TimeSpan.FromSeconds(30), "the site's CHILD SA did not go");
        lab.SitePluto.Add("siteback");
        Assert.DoesNotContain("ipsec3", Tool.Ip("-n", LibreswanLab.Gw, "route"), StringComparison.Ordinal);

        lab.AddInitiator();
        lab.WaitFor(() => PeerStates(LibreswanLab.BackPeer).Count == 2, TimeSpan.FromSeconds(90), "the gateway did not bring up siteback");
        log.WriteLine($"siteback: up {step.Elapsed.TotalSeconds:F1} s after the reload");
        var before = PeerStates(LibreswanLab.BackPeer);
        Assert.All(before, s => Assert.True(s.HasIfId(3), "siteback state without if_id 3:\n" + s.Text));
        Assert.Contains($"connection siteback: initiating to {LibreswanLab.BackPeer}", lab.HostLog, StringComparison.Ordinal);
        Assert.Contains($"{LibreswanLab.BackNet} dev ipsec3", Tool.Ip("-n", LibreswanLab.Gw, "route"), StringComparison.Ordinal);
        lab.WaitFor(() => Tool.Run("ip", "-n", LibreswanLab.Site, "link", "show", "dev", "ipsec3").ExitCode == 0, TimeSpan.FromSeconds(30), "libreswan made no ipsec3");
        Tool.IpBatch(LibreswanLab.Site, $"route add {LibreswanLab.LanNet} dev ipsec3 src {LibreswanLab.BackHost}");
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.BackHost);
        PingMustCross(lab, LibreswanLab.Site, LibreswanLab.BackHost, LibreswanLab.LanHost);

        var (code, listed) = lab.Cli("list-sas", "--connection", "siteback", "--json");
        Assert.True(code == 0, "list-sas: " + listed);
        var id = Assert.Single(System.Text.Json.JsonDocument.Parse(listed).RootElement.EnumerateArray()).GetProperty("id").GetString()!;

        // The gateway rekeys the CHILD SA while the LAN pings the site.
        step.Restart();
        using (var ping = RunningPing(LibreswanLab.Lan, LibreswanLab.BackHost))
        {
            Thread.Sleep(1000); // a few echoes before the rekey
            var rekey = lab.Cli("rekey", id);
            Assert.True(rekey.Code == 0, $"concentrator rekey {id}: {rekey.Output}");
            lab.WaitFor(() => PeerStates(LibreswanLab.BackPeer) is { Count: 2 } now && now.All(s => before.All(b => b.Spi != s.Spi)),
                TimeSpan.FromSeconds(60), "the gateway's CHILD SA rekey did not replace siteback's CHILD SA");
            Thread.Sleep(1000); // a few echoes after it
            var (sent, received) = Stop(ping);
            log.WriteLine($"siteback: our CHILD SA rekey took {step.Elapsed.TotalSeconds:F1} s; ping during it: {received}/{sent} echoes answered");
            Assert.True(sent >= 5 && received >= sent * 9 / 10, $"ping through our CHILD SA rekey: {received} of {sent} answered\n{lab.Diagnostics()}");
        }

        var rekeyed = PeerStates(LibreswanLab.BackPeer);
        Assert.All(rekeyed, s => Assert.True(s.HasIfId(3), "rekeyed siteback state without if_id 3:\n" + s.Text));

        // The gateway rekeys the IKE SA: libreswan moves the CHILD SA to the new one, untouched in the kernel.
        step.Restart();
        var ike = lab.Cli("rekey", id, "--ike");
        Assert.True(ike.Code == 0, $"concentrator rekey {id} --ike: {ike.Output}");
        lab.WaitFor(() => lab.HostLog.Contains("IKE SA rekeyed: siteback.s36.test", StringComparison.Ordinal), TimeSpan.FromSeconds(60),
            "the Host did not log its IKE SA rekey");
        var rekeyLine = lab.HostLog.Split('\n').First(l => l.Contains("IKE SA rekeyed: siteback.s36.test", StringComparison.Ordinal));
        Assert.Contains("(1 by the gateway", rekeyLine, StringComparison.Ordinal);
        lab.WaitFor(() => lab.HostLog.Split('\n').Any(l => l.Contains("/ipsec3/", StringComparison.Ordinal) && l.Contains("old IKE SA deleted after the rekey", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the old IKE SA of siteback was not deleted");
        var after = lab.Cli("list-sas", "--connection", "siteback", "--json");
        Assert.Single(System.Text.Json.JsonDocument.Parse(after.Output).RootElement.EnumerateArray());
        Assert.Equal(rekeyed.Select(s => s.Spi).Order(), PeerStates(LibreswanLab.BackPeer).Select(s => s.Spi).Order());
        PingMustCross(lab, LibreswanLab.Site, LibreswanLab.BackHost, LibreswanLab.LanHost);
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.BackHost);
        log.WriteLine($"siteback: our IKE SA rekey and pings took {step.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// Dynamic routing over the route-based tunnel the gateway initiated: FRR's ospfd at both ends, over ipsec3 with the
    /// an address at each end (ours from the connection's <c>interface-ip</c>; libreswan 4.10 has no interface-ip=, so
    /// its end's is added with ip),
    /// learns the other side's network in place of the site's static route, and the learned routes carry the ping.
    /// </summary>
    private void Ospf(LibreswanLab lab)
    {
        var step = Stopwatch.StartNew();
        Assert.Contains("inet 10.255.36.1/30", Tool.Ip("-n", LibreswanLab.Gw, "addr", "show", "dev", "ipsec3"), StringComparison.Ordinal);
        Tool.IpBatch(LibreswanLab.Gw, "link set ipsec3 multicast on");
        Tool.IpBatch(LibreswanLab.Site, $"route del {LibreswanLab.LanNet} dev ipsec3", "addr add 10.255.36.2/30 dev ipsec3", "link set ipsec3 multicast on");
        Assert.NotEqual(0, Tool.Ping(LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.BackHost, count: 1, waitSeconds: 1).ExitCode);

        using var ours = new Frr(LibreswanLab.Gw, Path.Combine(lab.WorkDirectory, "frr-gw"), OspfConf("10.255.36.1", "network 198.51.100.0/24 area 0"));
        using var theirs = new Frr(LibreswanLab.Site, Path.Combine(lab.WorkDirectory, "frr-site"), OspfConf("10.255.36.2", $"network {LibreswanLab.BackHost}/32 area 0"));
        string Describe() => $"--- gw frr\n{ours.Log}\n{ours.Vtysh("show ip ospf neighbor")}\n--- site frr\n{theirs.Log}\n{theirs.Vtysh("show ip ospf neighbor")}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!(Tool.Ip("-n", LibreswanLab.Gw, "route", "show", $"{LibreswanLab.BackHost}/32").Contains("proto ospf", StringComparison.Ordinal)
            && Tool.Ip("-n", LibreswanLab.Site, "route", "show", LibreswanLab.LanNet).Contains("proto ospf", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no OSPF routes within 90 s\n{Describe()}\n{lab.Diagnostics()}");
            Thread.Sleep(500);
        }

        Assert.Contains("Full", ours.Vtysh("show ip ospf neighbor").Output, StringComparison.Ordinal);
        Assert.Contains("dev ipsec3", Tool.Ip("-n", LibreswanLab.Gw, "route", "show", $"{LibreswanLab.BackHost}/32"), StringComparison.Ordinal);
        log.WriteLine($"OSPF: adjacency and routes after {step.Elapsed.TotalSeconds:F1} s");
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.BackHost);
        PingMustCross(lab, LibreswanLab.Site, LibreswanLab.BackHost, LibreswanLab.LanHost);
    }

    /// <summary>ospfd.conf: ipsec3 as a point-to-point link with fast hellos, its /30 in area 0, plus <paramref name="more"/>.
    /// mtu-ignore: our ipsecN has MTU 1400, libreswan's 1500, and OSPF refuses DD packets from a neighbour with a
    /// larger MTU (RFC 2328 §10.6) unless told to ignore it, as usual on tunnels.</summary>
    private static string OspfConf(string routerId, string more) => $"""
        hostname ospfd
        log stdout informational
        interface ipsec3
         ip ospf network point-to-point
         ip ospf hello-interval 1
         ip ospf dead-interval 4
         ip ospf mtu-ignore
        router ospf
         ospf router-id {routerId}
         network 10.255.36.0/30 area 0
         {more}
        """;

    /// <summary>The gateway's XFRM states to or from <paramref name="peer"/>.</summary>
    private static List<XfrmStateEntry> PeerStates(string peer) =>
        XfrmStateDump.Parse(Tool.Ip("-n", LibreswanLab.Gw, "-s", "xfrm", "state")).Where(s => s.Source == peer || s.Destination == peer).ToList();

    private static void PingMustCross(LibreswanLab lab, string ns, string source, string destination)
    {
        var ping = Tool.Ping(ns, source, destination, count: 3, waitSeconds: 3);
        Assert.True(ping.ExitCode == 0 && ping.Output.Contains(" 0% packet loss", StringComparison.Ordinal),
            $"ping {source} -> {destination} failed: {ping}\n{lab.Diagnostics()}");
    }

    /// <summary>A ping every 0.2 s until <see cref="Stop"/>.</summary>
    private static Process RunningPing(string ns, string destination)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns, "ping", "-n", "-q", "-i", "0.2", "-W", "2", "-w", "300", destination })
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    /// <summary>SIGINT (ping prints its statistics) and the echoes sent and answered.</summary>
    private static (int Sent, int Received) Stop(Process ping)
    {
        Assert.Equal(0, Tool.Run("kill", "-INT", ping.Id.ToString(CultureInfo.InvariantCulture)).ExitCode);
        var output = ping.StandardOutput.ReadToEnd();
        Assert.True(ping.WaitForExit(TimeSpan.FromSeconds(10)), "ping did not stop");
        var m = PingStatistics().Match(output);
        Assert.True(m.Success, "no ping statistics in: " + output);
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"received INTERNAL_IP4_ADDRESS (\d+\.\d+\.\d+\.\d+)")]
    private static partial Regex LeasePattern();

    [GeneratedRegex(@"(\d+) packets transmitted, (\d+) received")]
    private static partial Regex PingStatistics();
}
