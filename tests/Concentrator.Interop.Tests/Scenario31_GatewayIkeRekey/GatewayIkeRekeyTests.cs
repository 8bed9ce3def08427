using System.Text.RegularExpressions;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario31_GatewayIkeRekey;

/// <summary>
/// Interop scenario 31: the gateway's IKE lifetime (<c>lifetimes.ike</c>, 5 s) runs out long before the client's own
/// rekey (strongSwan's 4 h), so the gateway rekeys the IKE SA (CREATE_CHILD_SA with SA, Ni, KEi as the exchange's
/// initiator, RFC 7296 §1.3.2), moves the CHILD SA and the virtual IP to the new IKE SA, whose SPIi is now the
/// gateway's, and deletes the old one (§2.18), twice, with traffic flowing throughout. Needs root and strongSwan
/// (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class GatewayIkeRekeyTests
{
    [Fact]
    public async Task Gateway_IkeLifetimeShorterThanClients_GatewayRekeysIkeSaTwicePingThroughout()
    {
        using var lab = new RoadWarriorLab(overrides: new GatewayOverrides(Connection: "lifetimes { ike = 5s }"), namespacePrefix: "rk");
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk);
        lab.MustInitiate();
        var sasBefore = lab.ListSas();
        var before = IkeSpis(sasBefore);
        var vip = RoadWarriorLab.VirtualIp(sasBefore);
        var childBefore = ChildSpis(sasBefore);

        // Ping for 14 s on the side while the gateway rekeys the IKE SA (at 4.5-5 s after each rekey).
        var pinging = Task.Factory.StartNew(() => lab.Ping(count: 14), TaskCreationOptions.LongRunning);
        var rekeyed = SpinWait.SpinUntil(() => Regex.Count(lab.HostLog, "old IKE SA deleted after the rekey") >= 2, TimeSpan.FromSeconds(40));
        var (ping, output) = await pinging;

        var sas = lab.ListSas();
        Assert.True(rekeyed, "the gateway did not rekey the IKE SA twice within 40 s:\n" + lab.HostLog + "\ncharon:\n" + lab.CharonLog);
        Assert.True(ping == 0, "ping across the gateway's IKE rekeys failed:\n" + output + "\nhost:\n" + lab.HostLog);
        Assert.Contains(" 0% packet loss", output, StringComparison.Ordinal);
        Assert.True(Regex.Count(lab.HostLog, "rekeying the IKE SA at its rekey time") >= 2, "no rekey by the gateway:\n" + lab.HostLog);
        Assert.True(Regex.Count(lab.HostLog, "IKE SA rekeyed by us") >= 2, "no rekey completed:\n" + lab.HostLog);
        Assert.Contains("IKE SA rekeyed: road@e2e.test", lab.HostLog, StringComparison.Ordinal);
        // strongSwan saw the rekey from its side: its IKE SA now has new SPIs, the same CHILD SA and virtual IP.
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.NotEqual(before, IkeSpis(sas));
        Assert.Equal(vip, RoadWarriorLab.VirtualIp(sas));
        Assert.Equal(childBefore, ChildSpis(sas));
        Assert.Equal(1, Regex.Count(sas, "INSTALLED"));
        Assert.Contains("received DELETE for IKE_SA", lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMPORARY_FAILURE", lab.CharonLog, StringComparison.Ordinal);
        // Not deleted for want of a rekey, and the lease stayed with the IKE SA.
        Assert.DoesNotContain("not rekeyed within the IKE lifetime", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("released", lab.HostLog, StringComparison.Ordinal);
    }

    // "home: #3, ESTABLISHED, IKEv2, 0123456789abcdef_i* fedcba9876543210_r" as swanctl --list-sas prints it.
    private static string IkeSpis(string sas) => IkeSpiPattern().Match(sas).Value;

    // "in  c1234567 (-|0x…)" / "out c7654321": the CHILD SA's SPIs, unchanged by an IKE rekey.
    private static string ChildSpis(string sas) => string.Join(",", ChildSpiPattern().Matches(sas).Select(m => m.Value));

    [GeneratedRegex(@"[0-9a-f]{16}_i\*? [0-9a-f]{16}_r")]
    private static partial Regex IkeSpiPattern();

    [GeneratedRegex(@"(in|out) +[0-9a-f]{8}")]
    private static partial Regex ChildSpiPattern();
}
