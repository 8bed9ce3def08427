using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Scenario10_ChildRekey;

/// <summary>
/// Interop scenario 10: a strongSwan road warrior rekeys its CHILD SA (CREATE_CHILD_SA with REKEY_SA, RFC 7296
/// §1.3.3) every few seconds, as real clients do hourly; the gateway answers, installs the new SAs under the old
/// reqid, drops the old ones when the client deletes them, and traffic keeps flowing through ipsec1 throughout.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class ChildRekeyTests
{
    [Fact]
    public void StrongSwanClient_RekeysChildSa_NewSpisAndPingThroughout()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk, childOptions: "rekey_time = 4s\nrand_time = 0s\nlife_time = 60s");
        lab.MustInitiate();
        var before = Spis(lab.ListSas());
        Assert.Equal(0, lab.Ping().Code);

        // Two rekeys at 4 s each; the ping spans them.
        var (ping, output) = lab.Ping(count: 10);

        var sas = lab.ListSas();
        var after = Spis(sas);
        Assert.True(ping == 0, "ping across the rekeys failed:\n" + output + "\nhost:\n" + lab.HostLog);
        Assert.Contains(" 0% packet loss", output, StringComparison.Ordinal);
        Assert.True(Regex.Count(lab.HostLog, "CHILD SA rekeyed") >= 2, "the gateway did not rekey twice:\n" + lab.HostLog);
        Assert.DoesNotContain(before, after.Contains);
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
        Assert.Matches(@"received CREATE_CHILD_SA response|CHILD_SA lan\{\d+\} established", lab.CharonLog);
        Assert.DoesNotContain("NO_ADDITIONAL_SAS", lab.CharonLog, StringComparison.Ordinal);
        // Each rekey's old SA was deleted by the client and left the gateway: only the current pair remains.
        Assert.Equal(1, Regex.Count(sas, "INSTALLED"));
    }

    // "in  c1234567 (0x..)," and "out c7654321" as swanctl --list-sas prints a CHILD SA's SPIs.
    internal static List<string> Spis(string sas) => SpiPattern().Matches(sas).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex(@"(?:in|out)\s+([0-9a-f]{8})")]
    private static partial Regex SpiPattern();
}
