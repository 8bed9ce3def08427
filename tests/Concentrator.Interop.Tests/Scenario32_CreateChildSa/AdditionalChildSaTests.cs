using System.Text.RegularExpressions;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario32_CreateChildSa;

/// <summary>
/// Interop scenario 32: a strongSwan road warrior with three children asks for the second and third over its IKE SA
/// (CREATE_CHILD_SA without REKEY_SA, RFC 7296 §1.3.1). The gateway, with <c>max-child-sas = 2</c>, installs the
/// second (narrowed to the client's virtual IP, a reqid of its own on the same interface) and traffic flows through
/// it; the third is refused with NO_ADDITIONAL_SAS and the IKE SA stays up. Needs root and strongSwan
/// (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class AdditionalChildSaTests
{
    [Fact]
    public void StrongSwanClient_SecondChild_InstalledAndPingsThirdRefusedNoAdditionalSas()
    {
        using var lab = new RoadWarriorLab(overrides: new GatewayOverrides(Connection: "max-child-sas = 2"), namespacePrefix: "rk");
        lab.StartCharon();
        var home = SwanctlConnections.Connection("home", lab.GatewayAddress, SwanctlConnections.Psk("road@e2e.test"),
            SwanctlConnections.Psk(lab.GatewayId)).Replace("children {", """
            children {
                host {
                    remote_ts = 198.51.100.10/32
                    esp_proposals = aes256gcm16
                    start_action = none
                }
                third {
                    remote_ts = 198.51.100.11/32
                    esp_proposals = aes256gcm16
                    start_action = none
                }
            """, StringComparison.Ordinal);
        lab.LoadConf($$"""
            connections {
            {{home}}
            }
            secrets {
                ike-gw {
                    id-1 = road@e2e.test
                    secret = "{{lab.Psk}}"
                }
            }
            """);
        lab.MustInitiate();

        var (second, secondOutput) = lab.Swanctl(15, "--initiate", "--ike", "home", "--child", "host");
        Assert.True(second == 0, "the second CHILD SA was not established:\n" + secondOutput + "\nhost:\n" + lab.HostLog);
        var (ping, output) = lab.Ping(count: 3);
        var (third, thirdOutput) = lab.Swanctl(15, "--initiate", "--ike", "home", "--child", "third");

        var sas = lab.ListSas();
        Assert.True(ping == 0, "ping through the second CHILD SA failed:\n" + output + "\n" + sas + "\nhost:\n" + lab.HostLog);
        Assert.Contains(" 0% packet loss", output, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(sas, "INSTALLED"));
        // The client sends the ping to 198.51.100.10 through the more specific second CHILD SA, which the gateway
        // decrypts. (Its answers may come back through either: both CHILD SAs cover them on the gateway's side.)
        var host = HostChildPattern().Match(sas);
        Assert.True(host.Success && int.Parse(host.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3,
            "no packets through the second CHILD SA:\n" + sas);
        Assert.Contains("additional CHILD SA", lab.HostLog, StringComparison.Ordinal);
        Assert.True(third != 0, "a third CHILD SA beyond max-child-sas = 2 was accepted:\n" + thirdOutput);
        Assert.Contains("NO_ADDITIONAL_SAS", lab.CharonLog, StringComparison.Ordinal);
        Assert.Contains("ESTABLISHED", lab.ListSas(), StringComparison.Ordinal);
    }

    // "host: #2, reqid 2, INSTALLED, …\n  installed …\n  in  …\n  out 2f8e6e97,    252 bytes,     3 packets" (swanctl --list-sas).
    [GeneratedRegex(@"host: #\d+,[^\n]*INSTALLED[^\n]*\n[^\n]*\n[^\n]*\n\s+out\s+[0-9a-f]+[^,]*,\s+\d+ bytes,\s+(\d+) packets")]
    private static partial Regex HostChildPattern();
}
