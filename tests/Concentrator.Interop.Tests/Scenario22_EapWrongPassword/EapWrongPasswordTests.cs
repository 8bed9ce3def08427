namespace Concentrator.Interop.Tests.Scenario22_EapWrongPassword;

/// <summary>
/// Interop scenario 22: a strongSwan client with the wrong EAP-MSCHAPv2 password is refused with EAP-Failure (RFC 3748 §4.2);
/// nothing is installed, no lease taken, and the gateway's log says why without the password. A right client
/// afterwards gets the pool's first address. Needs root and strongSwan with eap-mschapv2; fails, never skips, without them.
/// </summary>
public sealed class EapWrongPasswordTests
{
    [Fact]
    public void StrongSwanClient_WrongEapPassword_EapFailureNothingInstalledNoLease()
    {
        using var lab = new RoadWarriorLab(overrides: RoadWarriorLab.EapGateway("eap-mschapv2", "\"alice\" = \"alice-password\""), namespacePrefix: "eap");
        lab.StartCharon();
        lab.LoadEap("alice", "alice", "guessed-password-not-logged");

        var (code, output) = lab.Initiate();

        Assert.True(code != 0, "initiate with a wrong EAP password succeeded:\n" + output);
        CharonEapFailure.AssertSeen(lab.CharonLog);
        Assert.DoesNotContain("ESTABLISHED", lab.ListSas(), StringComparison.Ordinal);
        Assert.True(lab.WaitForHostLog("answered the MS-CHAPv2 challenge with another password", TimeSpan.FromSeconds(5)), lab.HostLog);
        Assert.Contains("ended (AuthenticationFailed: EAP for 'alice' failed", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("guessed-password-not-logged", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("alice-password", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain("lease ", lab.HostLog, StringComparison.Ordinal);
        Assert.NotEqual(0, lab.Ping(count: 1).Code);

        lab.LoadEap("alice", "alice", "alice-password");
        lab.MustInitiate();
        Assert.Equal(System.Net.IPAddress.Parse("10.98.0.1"), RoadWarriorLab.VirtualIp(lab.ListSas()));
    }
}
