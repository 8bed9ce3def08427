using System.Diagnostics;
using System.Net;
using Concentrator.Server.Config;
using Xunit.Abstractions;

namespace Concentrator.Interop.Tests.Scenario06_Dpd;

/// <summary>
/// Interop scenario 6: the client is killed (SIGKILL, no Delete); the gateway's dead peer detection (RFC 7296
/// section 2.4) notices and removes the IKE SA, its CHILD SA and its lease. The gateway runs the repository's
/// example with short DPD and retransmission values (<see cref="GatewayOverrides"/>), and the time from the kill
/// to the removal is bounded by what those values allow. Each test gets a fresh gateway (about 3 s to start).
/// Needs root, tcpdump and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class DeadPeerDetectionTests(ITestOutputHelper output)
{
    // Akka's scheduler, the asynchronous logger and the 50 ms log polling sit between the gateway's decision and
    // this test seeing it; none of it is protocol time.
    private static readonly TimeSpan ObservationSlack = TimeSpan.FromSeconds(2);

    [Fact]
    public void KilledClient_UnansweredForDpdTimeout_GatewayRemovesSaAndLease()
    {
        // Retransmissions alone would take 11 s to give up, so the 5 s timeout is what must end the SA.
        using var lab = new RoadWarriorLab(overrides: new GatewayOverrides(
            Server: "concentrator.ike.retransmit { timeout = 1s, tries = 10, base = 1.0 }",
            Connection: "dpd { delay = 2s, timeout = 5s }"));
        var dpd = lab.Connection.Dpd;
        Assert.True(RetransmitsExhaustAfter(lab.Server.Retransmit) > dpd.Timeout, "the retransmissions would end the SA before dpd.timeout");

        var vip = ConnectAndPingBothWays(lab);
        var (removedAfter, _) = KillAndWaitForRemoval(lab, vip, dpd.Delay + dpd.Timeout);
        output.WriteLine($"dpd {dpd}: removed {removedAfter.TotalSeconds:F2} s after the kill (bound {(dpd.Delay + dpd.Timeout).TotalSeconds:F2} s)");

        Assert.Contains("liveness check unanswered for", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("retransmissions, peer is dead", lab.HostLog, StringComparison.Ordinal);

        // The last answer came at most dpd.delay before the kill, so the unanswered check left at most dpd.delay
        // after it, and no check was out longer than dpd.timeout - dpd.delay before the kill.
        Assert.True(removedAfter <= dpd.Delay + dpd.Timeout + ObservationSlack, $"removed {removedAfter} after the kill; dpd {dpd}");
        Assert.True(removedAfter >= dpd.Timeout - dpd.Delay, $"removed {removedAfter} after the kill, sooner than dpd.timeout allows; dpd {dpd}");
        AssertChildSaGone(lab, vip);
    }

    [Fact]
    public void KilledClient_RetransmissionsExhausted_GatewayRemovesSaAndLease()
    {
        // Here the retransmissions (1 + 1.5 + 2.25 + 3.375 s) run out long before the 60 s timeout.
        using var lab = new RoadWarriorLab(overrides: new GatewayOverrides(
            Server: "concentrator.ike.retransmit { timeout = 1s, tries = 3, base = 1.5 }",
            Connection: "dpd { delay = 2s, timeout = 60s }"));
        var dpd = lab.Connection.Dpd;
        var retransmit = lab.Server.Retransmit;
        var exhausted = RetransmitsExhaustAfter(retransmit);
        Assert.True(exhausted < dpd.Timeout, "dpd.timeout would end the SA before the retransmissions run out");

        var vip = ConnectAndPingBothWays(lab);
        var (removedAfter, checks) = KillAndWaitForRemoval(lab, vip, dpd.Delay + exhausted);
        output.WriteLine($"{retransmit}, dpd {dpd}: removed {removedAfter.TotalSeconds:F2} s after the kill (bound {(dpd.Delay + exhausted).TotalSeconds:F2} s)");

        Assert.Contains($"no answer after {retransmit.Tries} retransmissions, peer is dead", lab.HostLog, StringComparison.Ordinal);
        Assert.True(removedAfter <= dpd.Delay + exhausted + ObservationSlack, $"removed {removedAfter} after the kill; retransmit {retransmit}, dpd {dpd}");
        Assert.True(removedAfter >= exhausted - dpd.Delay, $"removed {removedAfter} after the kill, sooner than the retransmissions allow; retransmit {retransmit}");

        // On the wire: the liveness check and exactly `tries` identical retransmissions of it (RFC 7296 section 2.1).
        var sent = checks.Where(p => p.Contains("192.0.2.1.4500 > 192.0.2.2.4500: NONESP-encap", StringComparison.Ordinal)).ToList();
        Assert.True(sent.Count == retransmit.Tries + 1, $"expected {retransmit.Tries + 1} liveness requests, saw:\n" + string.Join('\n', checks));
        Assert.Single(sent.Select(p => p[p.IndexOf(" IP ", StringComparison.Ordinal)..]).Distinct());
        AssertChildSaGone(lab, vip);
    }

    /// <summary>attempt n waits timeout * base^n; the peer is dead when the wait after the last retransmission ends.</summary>
    private static TimeSpan RetransmitsExhaustAfter(RetransmitSettings r) =>
        TimeSpan.FromSeconds(Enumerable.Range(0, r.Tries + 1).Sum(n => r.Timeout.TotalSeconds * Math.Pow(r.Base, n)));

    private static IPAddress ConnectAndPingBothWays(RoadWarriorLab lab)
    {
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk);
        var vip = lab.MustEstablish();
        var (ping, output) = lab.Ping(source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output + "\nhost:\n" + lab.HostLog);

        // The LAN host reaches the client too: the gateway holds an outbound CHILD SA for the virtual IP.
        Assert.True(lab.PingFromLan(vip, count: 2).Code == 0, "the LAN host cannot reach " + vip + " through the tunnel");
        return vip;
    }

    /// <summary>Kills charon and waits for the gateway to release the lease; the time from the kill, and what the
    /// gateway sent towards the dead client meanwhile.</summary>
    private static (TimeSpan RemovedAfter, IReadOnlyList<string> Sent) KillAndWaitForRemoval(RoadWarriorLab lab, IPAddress vip, TimeSpan expected)
    {
        using var capture = lab.CaptureGatewayUplink("udp");
        var clock = Stopwatch.StartNew();
        lab.KillCharon();
        Assert.DoesNotContain("released " + vip, lab.HostLog, StringComparison.Ordinal);
        var released = lab.WaitForHostLog("released " + vip, expected + ObservationSlack + TimeSpan.FromSeconds(5));
        var removedAfter = clock.Elapsed;
        Assert.True(released, $"the gateway did not release {vip} within {clock.Elapsed}:\n" + lab.HostLog);
        Assert.Contains("peer is dead", lab.HostLog, StringComparison.Ordinal);
        return (removedAfter, capture.Stop());
    }

    /// <summary>The CHILD SA left the dataplane: traffic to the client's virtual IP is no longer encrypted
    /// towards the client (before the kill the same ping went out as ESP in UDP and came back). The lease is released
    /// in the SA actor while the removal is a message to the kernel actor, so the removal may land a moment after the
    /// "released" line: it is waited for, up to <see cref="RemovalSlack"/>.</summary>
    private static void AssertChildSaGone(RoadWarriorLab lab, IPAddress vip)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var capture = lab.CaptureGatewayUplink();
            Assert.NotEqual(0, lab.PingFromLan(vip, count: 2).Code);
            var packets = capture.Stop();
            if (!packets.Any(p => p.Contains("ESP", StringComparison.Ordinal)))
            {
                return;
            }

            Assert.True(clock.Elapsed < RemovalSlack, $"still ESP to {vip} {clock.Elapsed} after the release:\n" + string.Join('\n', packets));
        }
    }

    private static readonly TimeSpan RemovalSlack = TimeSpan.FromSeconds(10);
}
