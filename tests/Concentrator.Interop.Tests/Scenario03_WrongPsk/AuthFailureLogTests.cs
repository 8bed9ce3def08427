namespace Concentrator.Interop.Tests.Scenario03_WrongPsk;

/// <summary>
/// Issue 10, defects 4 and 11 with a real strongSwan client and the Host process: a refused IKE_AUTH is
/// AUTHENTICATION_FAILED on the wire, and the gateway's log says why (wrong PSK, IDr of another gateway) without
/// ever printing a secret. Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed class AuthFailureLogTests
{
    private const string WrongSecret = "a-wrong-secret-that-must-not-be-logged";

    [Fact]
    public void StrongSwanClient_WrongPsk_HostLogExplainsWithoutTheSecret()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.Load("road@e2e.test", WrongSecret);

        var (code, output) = lab.Initiate();

        Assert.True(code != 0, "initiate with a wrong PSK succeeded:\n" + output);
        Assert.Contains("received AUTHENTICATION_FAILED notify error", lab.CharonLog, StringComparison.Ordinal);
        Assert.True(lab.WaitForHostLog("proved another pre-shared key", TimeSpan.FromSeconds(5)), "no reason in the log:\n" + lab.HostLog);
        Assert.Contains("ended (AuthenticationFailed: 'road@e2e.test' proved another pre-shared key", lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, lab.HostLog, StringComparison.Ordinal);
        Assert.DoesNotContain(lab.Psk, lab.HostLog, StringComparison.Ordinal);
    }

    [Fact]
    public void StrongSwanClient_IdrOfAnotherGateway_RefusedAndLogged()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.LoadConf($$"""
            connections {
            {{SwanctlConnections.Connection("home", "192.0.2.1", SwanctlConnections.Psk("road@e2e.test"), SwanctlConnections.Psk("other-gateway.example.org"))}}
            }
            secrets {
                ike-gw {
                    id-1 = road@e2e.test
                    secret = "{{lab.Psk}}"
                }
            }
            """);

        var (code, output) = lab.Initiate();

        Assert.True(code != 0, "initiate asking for another gateway succeeded:\n" + output);
        Assert.Contains("received AUTHENTICATION_FAILED notify error", lab.CharonLog, StringComparison.Ordinal);
        Assert.True(lab.WaitForHostLog("other-gateway.example.org", TimeSpan.FromSeconds(5)), "no reason in the log:\n" + lab.HostLog);
        Assert.DoesNotContain("lease ", lab.HostLog, StringComparison.Ordinal);
    }
}
