using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Scenario10_ChildRekey;

/// <summary>
/// Interop scenario 10, the other way round: the gateway's CHILD SA lifetime (<c>lifetimes.child</c>) runs out before
/// the client rekeys, so the gateway rekeys (CREATE_CHILD_SA with REKEY_SA as the exchange's initiator, RFC 7296
/// §1.3.3; KEYMAT ordered by that exchange's roles, §2.17) and deletes the old pair, with traffic flowing throughout.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class GatewayRekeyTests
{
    [Fact]
    public async Task Gateway_ChildLifetimeShorterThanClients_GatewayRekeysAndDeletesOldPingThroughout()
    {
        // The gateway's soft lifetime (4 s) comes before the client's own rekey (an hour): the gateway rekeys.
        using var lab = new RoadWarriorLab(overrides: new GatewayOverrides(Connection: "lifetimes { child = 4s }"));
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk);
        lab.MustInitiate();
        var before = ChildRekeyTests.Spis(lab.ListSas());

        // Ping for 12 s on the side while the gateway rekeys (at 4 s and 8 s after each install).
        var pinging = Task.Factory.StartNew(() => lab.Ping(count: 12), TaskCreationOptions.LongRunning);
        var rekeyed = SpinWait.SpinUntil(() => Regex.Count(lab.HostLog, "CHILD SA rekeyed") >= 2 && lab.CharonLog.Contains("received DELETE for ESP CHILD_SA", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        var (ping, output) = await pinging;

        var sas = lab.ListSas();
        Assert.True(rekeyed, "the gateway did not rekey twice within 30 s:\n" + lab.HostLog);
        Assert.True(ping == 0, "ping across the gateway's rekeys failed:\n" + output + "\nhost:\n" + lab.HostLog);
        Assert.Contains(" 0% packet loss", output, StringComparison.Ordinal);
        Assert.True(!before.Any(ChildRekeyTests.Spis(sas).Contains), "the SPIs did not change:\n" + sas + "\nhost:\n" + lab.HostLog + "\ncharon:\n" + lab.CharonLog);
        Assert.True(Regex.Count(lab.HostLog, "reached its soft lifetime") >= 2, "the gateway did not rekey twice:\n" + lab.HostLog);
        Assert.Contains("received DELETE for ESP CHILD_SA", lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("hard lifetime", lab.HostLog, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(sas, "INSTALLED"));
    }
}
