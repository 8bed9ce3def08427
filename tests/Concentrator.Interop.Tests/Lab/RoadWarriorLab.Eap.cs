using Concentrator.Server.Tests.Radius;

namespace Concentrator.Interop.Tests.Lab;

// EAP road warriors (RFC 7296 §2.16): the gateway proves itself with its PSK, the client with EAP.
internal sealed partial class RoadWarriorLab
{
    /// <summary>A connection file for EAP clients next to the repository's PSK connection: same gateway identity and
    /// interface, its own pool, <c>remote.auth = <paramref name="method"/></c> and the users of <c>eap-secrets</c>.</summary>
    public static GatewayOverrides EapGateway(string method, string users, string pool = "10.98.0.0/24", string eapId = "") => new()
    {
        ExtraFiles = new Dictionary<string, string>
        {
            ["eap.conf"] = $$"""
                eap-users {
                  local { id = "gw.example.net", auth = psk }
                  remote { id = "%any", auth = {{method}}, eap-id = "{{eapId}}" }
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "{{pool}}" ]
                  ipsec-interface = 1
                }
                eap-secrets { {{users}} }
                """,
        },
    };

    /// <summary>Loads connection "home" (child "lan") for an EAP client: <c>local.auth = <paramref name="method"/></c>
    /// with <paramref name="eapId"/> and <paramref name="password"/>, the gateway checked by the lab's PSK.</summary>
    public void LoadEap(string identity, string eapId, string password, string method = "eap-mschapv2")
    {
        LoadConf($$"""
            connections {
            {{SwanctlConnections.Connection("home", GatewayAddress, Eap(method, identity, eapId), SwanctlConnections.Psk(GatewayId))}}
            }
            secrets {
                ike-gw {
                    id-1 = {{GatewayId}}
                    secret = "{{Psk}}"
                }
                eap-user {
                    id = {{eapId}}
                    secret = "{{password}}"
                }
            }
            """);
    }

    /// <summary>Loads connection "home" (child "lan") for an EAP client that checks the gateway's certificate against
    /// <paramref name="caPem"/> (the built-in clients' setup: EAP-MSCHAPv2 against a gateway certificate).</summary>
    public void LoadEapWithGatewayCertificate(string identity, string eapId, string password, string caPem, string gatewayId)
    {
        _dir.Write("x509ca/ca.pem", caPem);
        LoadConf($$"""
            connections {
            {{SwanctlConnections.Connection("home", GatewayAddress, Eap("eap-mschapv2", identity, eapId), GatewayCertificate(gatewayId))}}
            }
            secrets {
                eap-user {
                    id = {{eapId}}
                    secret = "{{password}}"
                }
            }
            """);
    }

    /// <summary>The local section of an EAP client.</summary>
    private static string Eap(string method, string identity, string eapId) => $"auth = {method}\nid = {identity}\neap_id = {eapId}";

    /// <summary>An eap-radius connection (pool 10.77.0.0/24, EAP-Identity asked) relaying to FreeRADIUS on the
    /// gateway's loopback at <paramref name="authPort"/>/<paramref name="acctPort"/>, 1 s per try.</summary>
    public static GatewayOverrides EapRadiusGateway(int authPort, int acctPort, int retries) =>
        EapGateway("eap-radius", "", pool: "10.77.0.0/24", eapId: "%any") with
        {
            Server = $$"""
                concentrator.radius {
                  servers = [ { address = "127.0.0.1", port = {{authPort}}, acct-port = {{acctPort}}, secret = "{{FreeRadius.Secret}}" } ]
                  timeout = 1s
                  retries = {{retries}}
                }
                """,
        };
}
