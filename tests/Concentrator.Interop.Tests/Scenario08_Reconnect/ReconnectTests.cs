using System.Net;

namespace Concentrator.Interop.Tests.Scenario08_Reconnect;

/// <summary>
/// Interop scenario 8: the same identity reconnects; the old SA is replaced and the client gets the same virtual
/// IP back, whether it crashed (the new charon's INITIAL_CONTACT replaces the SA the gateway still holds) or
/// left cleanly (its lease went offline but stays reserved for it).
/// Each test gets a fresh gateway (<see cref="RoadWarriorLab"/>, about 3 s to start). Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class ReconnectTests
{
    [Fact]
    public void StrongSwanClient_RestartsAfterKill_InitialContactReplacesOldSaWithSameVirtualIp()
    {
        using var lab = new RoadWarriorLab();
        var first = Connect(lab);

        // Gone without a word: the gateway still holds the old IKE SA, its CHILD SA and its lease.
        lab.KillCharon();
        Assert.DoesNotContain("released", lab.HostLog, StringComparison.Ordinal);
        var second = Connect(lab);

        // The new charon sends INITIAL_CONTACT (RFC 7296 section 2.4): the gateway drops the old SA silently and
        // the new one takes over its lease, so the client keeps its address.
        Assert.True(lab.WaitForHostLog("a newer IKE SA replaces", TimeSpan.FromSeconds(5)), "the old IKE SA was not replaced:\n" + lab.HostLog);
        Assert.Contains("(INITIAL_CONTACT)", lab.HostLog, StringComparison.Ordinal);
        Assert.True(lab.WaitForHostLog("deleted locally: replaced by a newer IKE SA of road@e2e.test", TimeSpan.FromSeconds(5)), "the old IKE SA did not end:\n" + lab.HostLog);
        Assert.True(first.Equals(second), $"reconnected with {second}, had {first}:\n" + lab.HostLog);

        Assert.Equal(0, lab.PingFromLan(second).Code);

        // The old SA's end gave nothing back to the pool: the address belongs to the new SA now.
        Assert.DoesNotContain("released " + first, lab.HostLog, StringComparison.Ordinal);
    }

    [Fact]
    public void StrongSwanClient_TerminatesAndReconnects_GetsSameVirtualIp()
    {
        using var lab = new RoadWarriorLab();
        var first = Connect(lab);

        var (code, output) = lab.Terminate();
        Assert.True(code == 0, "swanctl --terminate failed:\n" + output);
        Assert.True(lab.WaitForHostLog("released " + first, TimeSpan.FromSeconds(5)), "the gateway did not release " + first + ":\n" + lab.HostLog);
        Assert.DoesNotContain("ESTABLISHED", lab.ListSas(), StringComparison.Ordinal);

        // The released lease stays reserved for its identity (AddressPool's offline leases): the same client gets
        // the same address, not merely the next free one.
        var second = Connect(lab, startCharon: false);
        Assert.True(first.Equals(second), $"reconnected with {second}, had {first}:\n" + lab.HostLog);
        Assert.DoesNotContain("a newer IKE SA replaces", lab.HostLog, StringComparison.Ordinal);
        Assert.Equal(0, lab.PingFromLan(second).Code);
    }

    /// <summary>Starts (unless running) and connects charon as road@e2e.test, asserts IKE SA, CHILD SA, a pool
    /// address and a ping from it to the LAN host; returns the virtual IP.</summary>
    private static IPAddress Connect(RoadWarriorLab lab, bool startCharon = true)
    {
        if (startCharon)
        {
            lab.StartCharon();
            lab.Load("road@e2e.test", lab.Psk);
        }

        var vip = lab.MustEstablish();
        Assert.True(lab.WaitForHostLog("virtual IP " + vip, TimeSpan.FromSeconds(5)), "the gateway did not log the SA with " + vip + ":\n" + lab.HostLog);
        var (ping, output) = lab.Ping(source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output + "\nhost:\n" + lab.HostLog);
        return vip;
    }
}
