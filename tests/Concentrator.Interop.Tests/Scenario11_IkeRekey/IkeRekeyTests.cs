using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Scenario11_IkeRekey;

/// <summary>
/// Interop scenario 11: a strongSwan road warrior rekeys its IKE SA (CREATE_CHILD_SA with an IKE proposal, RFC 7296
/// §1.3.2) every few seconds, as real clients do every few hours; the gateway derives the new keys from the old SK_d
/// (§2.18), moves the CHILD SA and the virtual IP to the new IKE SA, deletes the old one when the client says so, and
/// the tunnel never notices. Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class IkeRekeyTests
{
    [Fact]
    public void StrongSwanClient_RekeysIkeSa_NewIkeSpisSameChildAndPingThroughout()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk, ikeOptions: "rekey_time = 4s\nrand_time = 0s\nover_time = 30s");
        lab.MustInitiate();
        var before = IkeSpis(lab.ListSas());
        var vip = RoadWarriorLab.VirtualIp(lab.ListSas());

        var (ping, output) = lab.Ping(count: 10);

        var sas = lab.ListSas();
        Assert.True(ping == 0, "ping across the IKE rekeys failed:\n" + output + "\nhost:\n" + lab.HostLog);
        Assert.Contains(" 0% packet loss", output, StringComparison.Ordinal);
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.NotEqual(before, IkeSpis(sas));
        Assert.Equal(vip, RoadWarriorLab.VirtualIp(sas));
        Assert.Contains("INSTALLED, TUNNEL-in-UDP", sas, StringComparison.Ordinal);
        Assert.DoesNotContain("NO_ADDITIONAL_SAS", lab.CharonLog, StringComparison.Ordinal);
        Assert.True(Regex.Count(lab.HostLog, "IKE SA rekeyed") >= 2, "the gateway did not rekey twice:\n" + lab.HostLog);
        Assert.True(Regex.Count(lab.HostLog, "old IKE SA deleted after the rekey") >= 2, "old IKE SAs were not deleted:\n" + lab.HostLog);
        // The lease moved with the IKE SA: nothing was released along the way.
        Assert.DoesNotContain("released", lab.HostLog, StringComparison.Ordinal);
    }

    // "home: #3, ESTABLISHED, IKEv2, 0123456789abcdef_i* fedcba9876543210_r" as swanctl --list-sas prints it.
    private static string IkeSpis(string sas) => IkeSpiPattern().Match(sas).Value;

    [GeneratedRegex(@"[0-9a-f]{16}_i\*? [0-9a-f]{16}_r")]
    private static partial Regex IkeSpiPattern();
}
