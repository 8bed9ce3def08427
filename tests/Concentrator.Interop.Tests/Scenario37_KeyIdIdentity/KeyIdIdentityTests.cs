using System.Net;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario37_KeyIdIdentity;

/// <summary>
/// Interop scenario 37 (issue 12): a strongSwan 5.9.8 road warrior whose identity is an ID_KEY_ID (RFC 7296 §3.5),
/// written "@#0123abcd" on both sides. The gateway's "keyed" connection names it in remote.id and files its PSK under
/// that text in secrets (a different secret from the lab's %any one, so only the key id's own entry lets it in); the
/// exact key id beats the road-warrior connection's %any, so the client gets the keyed pool's address and pings.
/// Needs root and strongSwan; fails, never skips, without them.
/// </summary>
public sealed class KeyIdIdentityTests : IDisposable
{
    private const string KeyedPool = "10.94.0.0/24";

    private const string KeyId = "@#0123abcd";

    private readonly RoadWarriorLab _lab = new(namespacePrefix: "ea", overrides: new GatewayOverrides
    {
        ExtraFiles = new Dictionary<string, string>
        {
            ["keyed.conf"] = $$"""
                keyed {
                  local { id = "gw.example.net", auth = psk }
                  remote { id = "{{KeyId}}", auth = psk }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "{{KeyedPool}}" ]
                  ipsec-interface = 4
                }
                secrets { "{{KeyId}}" = "key-id-secret" }
                """,
        },
    });

    [Fact]
    public void StrongSwanClient_KeyIdIdentity_ChosenByItsKeyIdAuthenticatedWithItsOwnSecretAndPings()
    {
        _lab.StartCharon();
        // Quoted: '#' starts a comment in swanctl.conf.
        _lab.LoadConf(SwanctlConnections.PskConf(_lab.GatewayAddress, _lab.GatewayId, "key-id-secret", ("keyed", $"\"{KeyId}\"")));

        var (code, output) = _lab.Swanctl(20, "--initiate", "--ike", "keyed", "--child", "lan");

        Assert.True(code == 0, $"swanctl --initiate failed:\n{output}\nhost:\n{_lab.HostLog}");
        IPAddress vip = SwanctlListing.VipOf(_lab.ListSas(), "keyed");
        Assert.True(IPNetwork.Parse(KeyedPool).Contains(vip), $"{KeyId} got {vip}, not from {KeyedPool}");
        Assert.True(_lab.WaitForHostLog($"established with {KeyId}", TimeSpan.FromSeconds(5)), _lab.HostLog);
        var (ping, pingOutput) = _lab.Ping(count: 1, source: vip);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + pingOutput);
    }

    public void Dispose() => _lab.Dispose();
}
