using System.Diagnostics;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

// The gateway's trap towards libreswan (issue 16): libreswan only answers, the LAN's first packet starts the SA.
public sealed partial class LibreswanGuestTests
{
    private const string SiteTrapInstalled = "connection sitetrap: trap installed";
    private const string SiteTrapAcquired = "connection sitetrap: ACQUIRE for";

    /// <summary>
    /// start-action = trap towards a libreswan 4.10 responder (its conn <c>sitetrap</c>, auto=add): once a reload has
    /// added our connection, its out policy (198.51.100.0/24 to 10.39.0.0/24, if_id 5, a template to 192.0.5.2) is in
    /// without a state and nothing is sent; the LAN's first packet to the site's network, routed into ipsec5 by the
    /// connection's routes, meets it: the kernel's ACQUIRE, our IKE_SA_INIT and IKE_AUTH to pluto, the CHILD SA in
    /// both kernels, and pings cross both ways.
    /// </summary>
    private void SiteTrap(LibreswanLab lab)
    {
        var step = Stopwatch.StartNew();
        lab.SitePluto.Add("sitetrap");
        lab.AddSiteTrap();
        lab.WaitFor(() => lab.HostLog.Contains(SiteTrapInstalled, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the trap of sitetrap was not installed");
        var policies = Tool.Ip("-n", LibreswanLab.Gw, "xfrm", "policy");
        Assert.Contains($"src {LibreswanLab.LanNet} dst {LibreswanLab.TrapNet}", policies, StringComparison.Ordinal);
        Assert.Contains($"tmpl src {LibreswanLab.GwTowardsTrapPeer} dst {LibreswanLab.TrapPeer}", policies, StringComparison.Ordinal);
        Assert.Empty(PeerStates(LibreswanLab.TrapPeer));
        Assert.DoesNotContain(SiteTrapAcquired, lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain($"connection sitetrap: initiating to {LibreswanLab.TrapPeer}", lab.HostLog, StringComparison.Ordinal);
        Assert.Contains($"{LibreswanLab.TrapNet} dev ipsec5", Tool.Ip("-n", LibreswanLab.Gw, "route"), StringComparison.Ordinal);

        // The first packet asks (it is lost: nothing carries it yet); the gateway initiates to libreswan.
        Tool.Ping(LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.TrapHost, count: 1, waitSeconds: 1);
        lab.WaitFor(() => PeerStates(LibreswanLab.TrapPeer).Count == 2, TimeSpan.FromSeconds(90), "the LAN's first packet did not bring up sitetrap");
        log.WriteLine($"sitetrap: first packet to CHILD SA with libreswan after {step.Elapsed.TotalSeconds:F1} s");
        Assert.Single(Lines(lab.HostLog, SiteTrapAcquired));
        Assert.Contains($"connection sitetrap: initiating to {LibreswanLab.TrapPeer}", lab.HostLog, StringComparison.Ordinal);
        Assert.All(PeerStates(LibreswanLab.TrapPeer), s => Assert.True(s.HasIfId(5), "sitetrap state without if_id 5:\n" + s.Text));

        // libreswan's side: its ipsec5 and policies; its replies go into ipsec5 by a rule of the site's own (the main
        // table's route to the LAN belongs to the earlier sites' tunnels).
        lab.WaitFor(() => Tool.Run("ip", "-n", LibreswanLab.Site, "link", "show", "dev", "ipsec5").ExitCode == 0, TimeSpan.FromSeconds(30), "libreswan made no ipsec5");
        Tool.IpBatch(LibreswanLab.Site, $"route replace {LibreswanLab.LanNet} dev ipsec5 table 39", $"rule add from {LibreswanLab.TrapHost} lookup 39 priority 39");
        PingMustCross(lab, LibreswanLab.Lan, LibreswanLab.LanHost, LibreswanLab.TrapHost);
        PingMustCross(lab, LibreswanLab.Site, LibreswanLab.TrapHost, LibreswanLab.LanHost);
        log.WriteLine($"sitetrap: pings both ways after {step.Elapsed.TotalSeconds:F1} s");
    }
}
