namespace Concentrator.Interop.Tests.Scenario08_Reconnect;

/// <summary>
/// Interop scenario 8: the same identity reconnects after a crash; INITIAL_CONTACT replaces the old SA.
/// Each test gets a fresh gateway (<see cref="RoadWarriorLab"/>, about 3 s to start). Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class ReconnectTests
{
    [Fact]
    public void StrongSwanClient_RestartsAfterKill_InitialContactReplacesOldSaAndPings()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk);
        lab.MustInitiate();
        var first = RoadWarriorLab.VirtualIp(lab.ListSas());
        Assert.Equal(0, lab.Ping().Code);

        // Gone without a word: the gateway still holds the old IKE SA, its CHILD SA and its lease.
        lab.KillCharon();
        Assert.DoesNotContain("released", lab.HostLog, StringComparison.Ordinal);
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk);
        lab.MustInitiate();

        // The new charon sends INITIAL_CONTACT (RFC 7296 section 2.4): the gateway drops the old SA silently
        // and gives its lease back, and the new SA carries the traffic.
        var sas = lab.ListSas();
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
        Assert.True(lab.Pool.Contains(RoadWarriorLab.VirtualIp(sas)));
        Assert.True(lab.WaitForHostLog("a newer IKE SA replaces", TimeSpan.FromSeconds(5)), "the old IKE SA was not replaced:\n" + lab.HostLog);
        Assert.Contains("(INITIAL_CONTACT)", lab.HostLog, StringComparison.Ordinal);
        Assert.True(lab.WaitForHostLog("released " + first, TimeSpan.FromSeconds(5)), "the old lease was not released:\n" + lab.HostLog);
        var (ping, output) = lab.Ping();
        Assert.True(ping == 0, "ping through the replacing tunnel failed:\n" + output + "\nhost:\n" + lab.HostLog);
    }
}
