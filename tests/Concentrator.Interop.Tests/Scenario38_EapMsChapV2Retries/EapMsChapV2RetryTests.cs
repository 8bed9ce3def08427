namespace Concentrator.Interop.Tests.Scenario38_EapMsChapV2Retries;

/// <summary>
/// Interop scenario 38 (issue 12): EAP-MSCHAPv2 retries (RFC 2759 §6) offered to a real strongSwan 5.9.8 client.
/// The gateway allows two retries (<c>concentrator.ike.eap-mschapv2.max-retries = 2</c>) and answers a wrong password
/// with a Failure Request "E=691 R=1 C=…". strongSwan's peer does not retry: it logs the failure and reports it in an
/// INFORMATIONAL with AUTHENTICATION_FAILED (RFC 7296 §2.21.2), which ends the gateway's SA at once rather than at
/// the 60 s eap-timeout. Nothing is installed or leased, the password is not logged, and a right client afterwards gets the pool's first
/// address. Needs root and strongSwan with eap-mschapv2; fails, never skips, without them.
/// </summary>
public sealed class EapMsChapV2RetryTests
{
    [Fact]
    public void StrongSwanClient_WrongPasswordWithRetriesOffered_ClientSeesTheRetryOfferAndGivesUpNothingInstalled()
    {
        var overrides = RoadWarriorLab.EapGateway("eap-mschapv2", "\"alice\" = \"alice-password\"") with
        {
            Server = "concentrator.ike.eap-mschapv2.max-retries = 2",
        };
        using var lab = new RoadWarriorLab(overrides: overrides, namespacePrefix: "ea");
        lab.StartCharon();
        lab.LoadEap("alice", "alice", "guessed-password-not-logged");

        var (code, output) = lab.Initiate();

        Assert.True(code != 0, "initiate with a wrong EAP password succeeded:\n" + output);
        Assert.Contains("EAP-MS-CHAPv2 failed with error ERROR_AUTHENTICATION_FAILURE", lab.CharonLog, StringComparison.Ordinal);
        Assert.DoesNotContain("ESTABLISHED", lab.ListSas(), StringComparison.Ordinal);
        Assert.True(lab.WaitForHostLog("the peer ended the EAP conversation with AUTHENTICATION_FAILED", TimeSpan.FromSeconds(20)), lab.HostLog);
        Assert.DoesNotContain("guessed-password-not-logged", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("lease ", lab.HostLog, StringComparison.Ordinal);

        lab.LoadEap("alice", "alice", "alice-password");
        lab.MustInitiate();
        Assert.Equal(System.Net.IPAddress.Parse("10.98.0.1"), RoadWarriorLab.VirtualIp(lab.ListSas()));
    }
}
