using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Concentrator.Kernel.Tests.Guest;
using Xunit.Abstractions;

namespace Concentrator.Interop.Tests.Scenario09_GuestKernel;

/// <summary>
/// Interop scenario 9, the mission's own path on a real kernel: the Host on the kernel dataplane (a real XFRM ipsec1
/// with if_id 1, kernel ESP, states with if_id and output-mark) against strongSwan on its kernel-netlink plugin. Runs
/// only inside the guest kernel (<see cref="KernelDataplaneRingTests"/> boots it), where XFRM interfaces and ESP exist.
/// </summary>
[Trait(GuestKernel.Ring, GuestKernel.Guest)]
public sealed partial class KernelDataplaneGuestTests(ITestOutputHelper log)
{
    private const uint IfId = 1;

    /// <summary>
    /// One gateway, one client (a Host start costs ~25 s under TCG, so both runs share them): first without NAT, plain
    /// ESP (IP protocol 50) both ways, with CHILD SA and IKE SA rekeys; then with a faked NAT (charon's encap = yes), so
    /// IKE floats to 4500 and the gateway's kernel takes ESP off its UDP_ENCAP socket (RFC 3948).
    /// </summary>
    [Fact]
    public void StrongSwanKernelClient_PlainThenUdpEncapsulatedEsp_ConnectsPingsRekeysAndTerminates()
    {
        GuestKernel.Require();
        var clock = Stopwatch.StartNew();
        using var lab = new KernelDataplaneLab("k");
        log.WriteLine($"Host running after {lab.HostStartup.TotalSeconds:F1} s, lab ready after {clock.Elapsed.TotalSeconds:F1} s");

        // ipsec1 is an XFRM interface with if_id 1, carrying the device settings libreswan gives it, and the pool's route.
        var link = KernelDataplaneLab.Ip("-n", lab.Gw, "-d", "link", "show", "dev", "ipsec1");
        Assert.Contains($"xfrm if_id 0x{IfId:x}", link, StringComparison.Ordinal);
        Assert.Contains($"ipsec1@{KernelDataplaneLab.Uplink}:", link, StringComparison.Ordinal);
        var sysctls = Shell.Run("ip", "netns", "exec", lab.Gw, "sysctl", "-n",
            "net.ipv4.conf.ipsec1.rp_filter", "net.ipv4.conf.ipsec1.forwarding", "net.ipv4.conf.ipsec1.disable_policy", "net.ipv4.conf.ipsec1.disable_xfrm",
            "net.ipv6.conf.ipsec1.forwarding", "net.ipv6.conf.ipsec1.disable_policy");
        Assert.True(sysctls.Code == 0, "sysctl failed: " + sysctls.Output);
        Assert.Equal("0 1 1 0 1 1", string.Join(' ', sysctls.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        Assert.Contains(KernelDataplaneLab.Pool, KernelDataplaneLab.Ip("-n", lab.Gw, "route", "show", "dev", "ipsec1"), StringComparison.Ordinal);

        var virtualIp = Connect(lab, forceEncapsulation: false, rekey: true, terminate: true);
        var again = Connect(lab, forceEncapsulation: true, rekey: false, terminate: false);
        // The identity came back after its lease was released: the pool hands it the same address.
        Assert.Equal(virtualIp, again);

        // The Host stops (SIGTERM) with the second client still connected: it exits cleanly and removes what it owns,
        // the client's states and policies, the device it created and with it the pool's route.
        Assert.Equal(0, lab.StopHost(TimeSpan.FromSeconds(60)));
        Assert.Empty(KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "state").Trim());
        Assert.Equal(0, SpdPolicies(KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "policy")));
        Assert.NotEqual(0, Shell.Run("ip", "-n", lab.Gw, "link", "show", "dev", "ipsec1").Code);
        Assert.DoesNotContain(KernelDataplaneLab.Pool, KernelDataplaneLab.Ip("-n", lab.Gw, "route"), StringComparison.Ordinal);
        log.WriteLine($"scenario 9 done in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>One client session: connect, check the kernel state, ping, (rekey, terminate and check the kernel is
    /// clean). Returns the virtual IP the client got.</summary>
    private string Connect(KernelDataplaneLab lab, bool forceEncapsulation, bool rekey, bool terminate)
    {
        string tag = forceEncapsulation ? "udp-encapsulated ESP" : "plain ESP";
        lab.LoadClient(forceEncapsulation);

        // IKE SA and CHILD SA.
        var step = Stopwatch.StartNew();
        var (code, output) = lab.Swanctl(90, "--initiate", "--ike", "home", "--child", "lan");
        Assert.True(code == 0, $"[{tag}] swanctl --initiate failed:\n{output}\n{lab.Diagnostics()}");
        log.WriteLine($"[{tag}] swanctl --initiate took {step.Elapsed.TotalSeconds:F1} s");
        var sas = lab.Swanctl(20, "--list-sas").Output;
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.Contains(forceEncapsulation ? "INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-256" : "INSTALLED, TUNNEL, ESP:AES_GCM_16-256", sas, StringComparison.Ordinal);
        var vip = VipPattern().Match(sas);
        Assert.True(vip.Success, "no virtual IP in:\n" + sas);
        string virtualIp = vip.Groups[1].Value;
        Assert.StartsWith("10.99.0.", virtualIp, StringComparison.Ordinal);
        var (inbound, outbound) = AssertGatewayStates(lab, sas, forceEncapsulation);
        var policies = KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "policy");
        foreach (var expected in new[]
        {
            $"src {KernelDataplaneLab.LanNet} dst {virtualIp}/32 \n\tdir out",
            $"src {virtualIp}/32 dst {KernelDataplaneLab.LanNet} \n\tdir in",
            $"src {virtualIp}/32 dst {KernelDataplaneLab.LanNet} \n\tdir fwd",
        })
        {
            Assert.Contains(expected, policies, StringComparison.Ordinal);
        }

        Assert.Equal(3, SpdPolicies(policies));
        Assert.Equal(3, Regex.Count(policies, @"if_id 0x1\b"));
        // The client is on kernel ESP too: its own kernel holds the pair.
        Assert.Equal(2, XfrmStateDump.Parse(KernelDataplaneLab.Ip("-n", lab.Road, "xfrm", "state")).Count);

        // Traffic through ipsec1: the ping crosses, and the states' and device's counters move by at least the echoes.
        var (rx, tx) = Tool.LinkPackets(lab.Gw, "ipsec1");
        PingMustCross(lab, virtualIp);
        var after = XfrmStateDump.Parse(KernelDataplaneLab.Ip("-n", lab.Gw, "-s", "xfrm", "state"));
        Assert.True(after.Single(s => s.Spi == inbound.Spi).Counters.Packets >= inbound.Counters.Packets + 3, "inbound state counters did not move:\n" + string.Join('\n', after.Select(s => s.Text)));
        Assert.True(after.Single(s => s.Spi == outbound.Spi).Counters.Packets >= outbound.Counters.Packets + 3, "outbound state counters did not move:\n" + string.Join('\n', after.Select(s => s.Text)));
        var (rx2, tx2) = Tool.LinkPackets(lab.Gw, "ipsec1");
        Assert.True(rx2 >= rx + 3 && tx2 >= tx + 3, $"ipsec1 counters: rx {rx}->{rx2}, tx {tx}->{tx2}");

        if (rekey)
        {
            Rekey(lab, virtualIp, inbound, outbound, forceEncapsulation);
        }

        if (!terminate)
        {
            return virtualIp;
        }

        // The client deletes its IKE SA: the gateway's states and policies go, the lease is released.
        // (The IKE sockets' own bypass policies, "socket in/out", stay: they belong to the sockets, not to the client.)
        string hostLogBefore = lab.HostLog;
        (code, output) = lab.Swanctl(60, "--terminate", "--ike", "home");
        Assert.True(code == 0, $"[{tag}] swanctl --terminate failed:\n{output}\n{lab.Diagnostics()}");
        lab.WaitFor(() => KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "state").Trim().Length == 0
            && SpdPolicies(KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "policy")) == 0,
            TimeSpan.FromSeconds(20), $"[{tag}] the gateway's XFRM states and policies did not go");
        lab.WaitFor(() => lab.HostLog.Length > hostLogBefore.Length && lab.HostLog[hostLogBefore.Length..].Contains("released " + virtualIp, StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), $"[{tag}] the lease was not released");
        Assert.NotEqual(0, lab.Ping(virtualIp, count: 1).ExitCode);
        return virtualIp;
    }

    private void Rekey(KernelDataplaneLab lab, string virtualIp, XfrmStateEntry inbound, XfrmStateEntry outbound, bool encapsulated)
    {
        // CHILD SA rekey (CREATE_CHILD_SA): the new pair replaces the old one in the kernel, the policies stay (updated,
        // not duplicated), traffic goes on.
        var step = Stopwatch.StartNew();
        var (code, output) = lab.Swanctl(60, "--rekey", "--child", "lan");
        Assert.True(code == 0, $"swanctl --rekey --child failed:\n{output}\n{lab.Diagnostics()}");
        lab.WaitFor(() => lab.Swanctl(20, "--list-sas").Output is var listed
            && !listed.Contains("REKEYED", StringComparison.Ordinal) && !listed.Contains("DELETED", StringComparison.Ordinal)
            && XfrmStateDump.Parse(KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "state")).Count == 2, TimeSpan.FromSeconds(20), "the old CHILD SA did not go");
        var (rekeyedIn, rekeyedOut) = AssertGatewayStates(lab, lab.Swanctl(20, "--list-sas").Output, encapsulated);
        Assert.NotEqual(inbound.Spi, rekeyedIn.Spi);
        Assert.NotEqual(outbound.Spi, rekeyedOut.Spi);
        Assert.Equal(3, SpdPolicies(KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "policy")));
        PingMustCross(lab, virtualIp);
        log.WriteLine($"CHILD SA rekey and ping took {step.Elapsed.TotalSeconds:F1} s");

        // IKE SA rekey: the CHILD SA moves to the new IKE SA untouched, in the kernel too.
        step.Restart();
        (code, output) = lab.Swanctl(60, "--rekey", "--ike", "home");
        Assert.True(code == 0, $"swanctl --rekey --ike failed:\n{output}\n{lab.Diagnostics()}");
        lab.WaitFor(() => lab.HostLog.Contains("IKE SA rekeyed", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the gateway did not rekey the IKE SA");
        var states = XfrmStateDump.Parse(KernelDataplaneLab.Ip("-n", lab.Gw, "xfrm", "state"));
        Assert.Equal(new[] { rekeyedIn.Spi, rekeyedOut.Spi }.Order(), states.Select(s => s.Spi).Order());
        PingMustCross(lab, virtualIp);
        log.WriteLine($"IKE SA rekey and ping took {step.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The gateway's kernel holds exactly the installed pair of the client's CHILD SA: its outbound state is the client's
    /// inbound SPI and vice versa, both with if_id 1 and output-mark 1 (the if_id, as libreswan sets it), UDP-encapsulated
    /// exactly when a NAT was (made to be) seen. Returns (inbound, outbound) as seen from the gateway.
    /// </summary>
    private static (XfrmStateEntry Inbound, XfrmStateEntry Outbound) AssertGatewayStates(KernelDataplaneLab lab, string sas, bool encapsulated)
    {
        var installed = sas[sas.LastIndexOf("INSTALLED", StringComparison.Ordinal)..];
        uint clientIn = Hex(SpiPattern("in").Match(installed)), clientOut = Hex(SpiPattern("out").Match(installed));
        var states = XfrmStateDump.Parse(KernelDataplaneLab.Ip("-n", lab.Gw, "-s", "xfrm", "state"));
        var outbound = Assert.Single(states, s => s.Spi == clientIn);
        var inbound = Assert.Single(states, s => s.Spi == clientOut);
        Assert.Equal((KernelDataplaneLab.GatewayAddress, KernelDataplaneLab.RoadAddress), (outbound.Source, outbound.Destination));
        Assert.Equal((KernelDataplaneLab.RoadAddress, KernelDataplaneLab.GatewayAddress), (inbound.Source, inbound.Destination));
        Assert.All(new[] { inbound, outbound }, s =>
        {
            Assert.True(s.HasIfId(IfId), "state without if_id 1:\n" + s.Text);
            Assert.True(s.HasOutputMark(IfId), "state without output-mark 1:\n" + s.Text);
            Assert.True(s.IsUdpEncapsulated == encapsulated, $"UDP encapsulation should be {encapsulated}:\n" + s.Text);
        });
        return (inbound, outbound);
    }

    private static void PingMustCross(KernelDataplaneLab lab, string virtualIp)
    {
        var ping = lab.Ping(virtualIp, count: 3);
        Assert.True(ping.ExitCode == 0 && ping.Output.Contains(" 0% packet loss", StringComparison.Ordinal),
            $"ping from {virtualIp} failed: {ping}\n{lab.Diagnostics()}");
    }

    /// <summary>Policies of the SPD (dir in/out/fwd) in <c>ip xfrm policy</c> output, not counting per-socket ones.</summary>
    private static int SpdPolicies(string policies) => Regex.Count(policies, @"\n\tdir (in|out|fwd) ");

    private static uint Hex(Match m)
    {
        Assert.True(m.Success, "no SPI in swanctl --list-sas");
        return uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static Regex SpiPattern(string direction) => new($@"\b{direction}\s+([0-9a-f]{{8}}),");

    [GeneratedRegex(@"\[(\d+\.\d+\.\d+\.\d+)\]")]
    private static partial Regex VipPattern();
}
