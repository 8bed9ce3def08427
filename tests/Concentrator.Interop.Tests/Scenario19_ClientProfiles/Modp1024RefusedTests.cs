namespace Concentrator.Interop.Tests.Scenario19_ClientProfiles;

/// <summary>
/// Without concentrator.ike.allow-modp1024 the operator cannot offer MODP-1024 (check-config refuses it), so Windows'
/// default proposal finds nothing on the gateway: NO_PROPOSAL_CHOSEN (RFC 7296 §2.7), no IKE SA, no lease; a Windows
/// client configured for DH group 14 connects to the same gateway.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class Modp1024RefusedTests : IDisposable
{
    private readonly RoadWarriorLab _lab = new(namespacePrefix: "pl", overrides: new GatewayOverrides(
        Connection: """
            ike-proposals = [ "aes256gcm16-prfsha256-x25519", "aes256-sha256-ecp256", "aes256-sha256-modp2048" ]
            esp-proposals = [ "aes256gcm16", "aes256-sha256", "aes256-sha1" ]
            """));

    [Fact]
    public void WindowsDefaultProposal_WithoutOptIn_NoProposalChosenAndNoLease()
    {
        _lab.StartCharon();
        _lab.LoadConf(ClientProfile.SwanctlConf(_lab, ClientProfile.Windows, ClientProfile.WindowsDh2048));

        var (code, output) = _lab.Swanctl(20, "--initiate", "--ike", ClientProfile.Windows.Name, "--child", "lan");

        Assert.True(code != 0, "Windows' MODP-1024 proposal was accepted without the opt-in:\n" + output);
        Assert.Contains("received NO_PROPOSAL_CHOSEN notify error", _lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-modp1024 = on", _lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("lease ", _lab.HostLog, StringComparison.Ordinal);
        var (dh2048, dh2048Output) = _lab.Swanctl(20, "--initiate", "--ike", ClientProfile.WindowsDh2048.Name, "--child", "lan");
        Assert.True(dh2048 == 0, "Windows with DH group 14 failed:\n" + dh2048Output + "\nhost:\n" + _lab.HostLog);
        // The lease line the refused client never caused.
        Assert.True(_lab.WaitForHostLog("lease ", TimeSpan.FromSeconds(5)), _lab.HostLog);
        Assert.Contains(ClientProfile.WindowsDh2048.ChosenIke, SwanctlListing.SaOf(_lab.ListSas(), ClientProfile.WindowsDh2048.Name), StringComparison.Ordinal);
    }

    public void Dispose() => _lab.Dispose();
}
