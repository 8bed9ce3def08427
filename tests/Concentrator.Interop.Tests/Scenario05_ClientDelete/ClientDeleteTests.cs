namespace Concentrator.Interop.Tests.Scenario05_ClientDelete;

/// <summary>
/// Interop scenario 5: the client deletes its IKE SA; the gateway removes its state and releases the lease.
/// Each test gets a fresh gateway (<see cref="RoadWarriorLab"/>, about 3 s to start). Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class ClientDeleteTests
{
    [Fact]
    public void StrongSwanClient_Terminates_GatewayDeletesSaAndReleasesLease()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk);
        lab.MustInitiate();
        var vip = RoadWarriorLab.VirtualIp(lab.ListSas());
        Assert.Equal(0, lab.Ping().Code);

        var (code, output) = lab.Terminate();

        Assert.True(code == 0, "swanctl --terminate failed:\n" + output);
        Assert.True(lab.WaitForHostLog("released " + vip, TimeSpan.FromSeconds(5)), "the gateway did not release " + vip + ":\n" + lab.HostLog);
        Assert.True(lab.WaitForHostLog("ended (deleted)", TimeSpan.FromSeconds(5)), "the gateway did not end the IKE SA:\n" + lab.HostLog);
        Assert.Contains("_o removed", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("ESTABLISHED", lab.ListSas(), StringComparison.Ordinal);
        Assert.NotEqual(0, lab.Ping(count: 1).Code);

        // The lease went offline rather than staying held: had the old SA lived on, the pool would hand this
        // identity a second address (it only takes over a held lease on request); it gets the same one back.
        lab.MustInitiate();
        Assert.Equal(vip, RoadWarriorLab.VirtualIp(lab.ListSas()));
        Assert.Equal(0, lab.Ping().Code);
    }
}
