using System.Text.RegularExpressions;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario32_CreateChildSa;

/// <summary>
/// Interop scenario 32, PFS: the connection's <c>esp-proposals = [ "aes256gcm16-x25519" ]</c> (strongSwan's
/// <c>esp_proposals</c> syntax) makes every CHILD SA rekey carry a key exchange (RFC 7296 §1.3.3): the gateway's own
/// rekeys at its short <c>lifetimes.child</c> send KEi and take strongSwan's KEr, and traffic flows throughout.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class PfsChildRekeyTests
{
    [Fact]
    public async Task Gateway_EspProposalWithGroup_RekeysChildSaWithPfsPingThroughout()
    {
        using var lab = new RoadWarriorLab(overrides: new GatewayOverrides(Connection: """
            esp-proposals = [ "aes256gcm16-x25519" ]
            lifetimes { child = 4s }
            """), namespacePrefix: "rk");
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk, espProposals: "aes256gcm16-x25519");
        lab.MustInitiate();

        var pinging = Task.Factory.StartNew(() => lab.Ping(count: 12), TaskCreationOptions.LongRunning);
        var rekeyed = SpinWait.SpinUntil(() => Regex.Count(lab.HostLog, "PFS Curve25519") >= 2, TimeSpan.FromSeconds(30));
        var (ping, output) = await pinging;

        Assert.True(rekeyed, "the gateway did not rekey twice with PFS within 30 s:\n" + lab.HostLog + "\ncharon:\n" + lab.CharonLog);
        Assert.True(ping == 0, "ping across the PFS rekeys failed:\n" + output + "\nhost:\n" + lab.HostLog);
        Assert.Contains(" 0% packet loss", output, StringComparison.Ordinal);
        Assert.True(Regex.Count(lab.HostLog, "reached its soft lifetime") >= 2, "the gateway did not start the rekeys:\n" + lab.HostLog);
        Assert.DoesNotContain("NO_PROPOSAL_CHOSEN", lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("INVALID_KE_PAYLOAD", lab.CharonLog, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(lab.ListSas(), "INSTALLED"));
    }
}
