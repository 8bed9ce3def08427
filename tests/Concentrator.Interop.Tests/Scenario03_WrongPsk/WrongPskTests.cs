namespace Concentrator.Interop.Tests.Scenario03_WrongPsk;

/// <summary>
/// Interop scenario 3: a wrong PSK is answered AUTHENTICATION_FAILED and leaves nothing behind.
/// Each test gets a fresh gateway (<see cref="RoadWarriorLab"/>, about 3 s to start). Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class WrongPskTests
{
    [Fact]
    public void StrongSwanClient_WrongPsk_FailsWithAuthenticationFailedAndLeavesNoState()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("wrong@e2e.test", "not-the-gateway-secret-at-all");

        var (code, output) = lab.Initiate();

        Assert.True(code != 0, "initiate with a wrong PSK succeeded:\n" + output);
        Assert.Contains("received AUTHENTICATION_FAILED notify error", lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("ESTABLISHED", lab.ListSas(), StringComparison.Ordinal);
        Assert.DoesNotContain("lease ", lab.HostLog, StringComparison.Ordinal);

        // No route into the tunnel on the client and no SA on the gateway: the LAN stays out of reach.
        Assert.NotEqual(0, lab.Ping(count: 1).Code);

        // The failed attempt took no lease: the next, correct client still gets the pool's first address.
        lab.Load("road@e2e.test", lab.Psk);
        lab.MustInitiate();
        Assert.Equal(lab.FirstPoolAddress, RoadWarriorLab.VirtualIp(lab.ListSas()));
        var (ping, pingOutput) = lab.Ping();
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + pingOutput);
    }
}
