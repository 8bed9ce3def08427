namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>
/// Interop scenarios 2, 3, 5 and 8 of the responder issue against a real strongSwan road warrior; each test
/// gets a fresh gateway (<see cref="RoadWarriorLab"/>, about 3 s to start) so none depends on another's order
/// or leftovers. Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class StrongSwanInteropTests
{
    [Fact]
    public void StrongSwanClient_AesCbcSha256Ecp256_EstablishesWithThoseAlgorithmsAndPings()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk, proposals: "aes256-sha256-ecp256", espProposals: "aes256-sha256");

        lab.MustInitiate();

        var sas = lab.ListSas();
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.Contains("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256", sas, StringComparison.Ordinal);
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
        Assert.Contains("AES_CBC-256/HMAC_SHA2_256_128", sas[sas.IndexOf("INSTALLED", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.True(lab.Pool.Contains(RoadWarriorLab.VirtualIp(sas)));
        var (ping, output) = lab.Ping();
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);
    }

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
        Assert.DoesNotContain("ESTABLISHED", lab.ListSas(), StringComparison.Ordinal);
        Assert.NotEqual(0, lab.Ping(count: 1).Code);

        // The lease went offline rather than staying held: had the old SA lived on, the pool would hand this
        // identity a second address (it only takes over a held lease on request); it gets the same one back.
        lab.MustInitiate();
        Assert.Equal(vip, RoadWarriorLab.VirtualIp(lab.ListSas()));
        Assert.Equal(0, lab.Ping().Code);
    }

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
