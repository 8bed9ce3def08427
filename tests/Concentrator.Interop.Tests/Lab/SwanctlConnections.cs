namespace Concentrator.Interop.Tests.Lab;

/// <summary>
/// swanctl.conf text for the lab's road warriors, in one shape: an IKEv2 connection to the gateway that asks for a
/// virtual IP and has one child for the LAN 198.51.100.0/24, started by hand. What differs between scenarios (the
/// two authentication sections, proposals, extra lines) is given as arguments; swanctl ignores the indentation.
/// </summary>
internal static class SwanctlConnections
{
    public const string Proposal = "aes256gcm16-prfsha256-x25519";

    /// <summary>One entry of <c>connections { … }</c> to <paramref name="gateway"/> (an address or a name); <paramref name="local"/> and <paramref name="remote"/> are the
    /// bodies of its authentication sections (see <see cref="Psk"/>).</summary>
    public static string Connection(string name, object gateway, string local, string remote, string proposals = Proposal,
        string espProposals = "aes256gcm16", string vip = "0.0.0.0", string ikeOptions = "", string childOptions = "",
        string child = "lan") => $$"""
        {{name}} {
            version = 2
            remote_addrs = {{gateway}}
            vips = {{vip}}
            proposals = {{proposals}}
            {{ikeOptions}}
            local {
                {{local}}
            }
            remote {
                {{remote}}
            }
            children {
                {{child}} {
                    remote_ts = 198.51.100.0/24
                    esp_proposals = {{espProposals}}
                    start_action = none
                    {{childOptions}}
                }
            }
        }
        """;

    /// <summary>An authentication section by pre-shared key for <paramref name="id"/>.</summary>
    public static string Psk(string id) => $"auth = psk\nid = {id}";

    /// <summary>A whole swanctl.conf: one PSK connection per client (its name and identity) to the gateway, and the
    /// secret of each identity.</summary>
    public static string PskConf(object gateway, string gatewayId, string psk, params (string Name, string Identity)[] clients)
    {
        var connections = string.Join("\n", clients.Select(c => Connection(c.Name, gateway, Psk(c.Identity), Psk(gatewayId))));
        var secrets = string.Join("\n", clients.Select(c => $$"""
            ike-{{c.Name}} {
                id-1 = {{c.Identity}}
                secret = "{{psk}}"
            }
            """));
        return $"connections {{\n{connections}\n}}\nsecrets {{\n{secrets}\n}}\n";
    }
}
