namespace Concentrator.Interop.Tests.Lab;

// The EAP-TLS road warrior (RFC 5216): strongSwan's eap-tls plugin authenticates the client with its certificate
// inside EAP, and checks the gateway's certificate twice: in IKE (AUTH) and in TLS.
internal sealed partial class RoadWarriorLab
{
    /// <summary>Loads connection "home" (child "lan"): <c>local.auth = eap-tls</c> with <paramref name="certificate"/>
    /// and its <paramref name="key"/>, identity <paramref name="identity"/> (also its EAP identity), the gateway checked
    /// against <paramref name="ca"/> as <paramref name="gatewayId"/>; <paramref name="aaaId"/>: the identity the TLS
    /// server's certificate must name when it is not the gateway (an AAA backend), strongSwan's <c>aaa_id</c>;
    /// <paramref name="eapOnly"/>: the gateway is authenticated by EAP-TLS alone (<c>remote.auth = eap-tls</c>), which
    /// strongSwan accepts when the gateway leaves its AUTH out (RFC 5998, "allow mutual EAP-only authentication").</summary>
    public void LoadEapTls(string name, string certificate, string key, string ca, string identity, string gatewayId, string? aaaId = null,
        bool eapOnly = false)
    {
        string aaa = aaaId is null ? "" : $"\naaa_id = \"{aaaId}\"";
        _dir.Write($"x509/{name}.pem", certificate);
        _dir.Write($"private/{name}.key", key);
        _dir.Write("x509ca/ca.pem", ca);
        LoadConf($$"""
            connections {
            {{SwanctlConnections.Connection("home", GatewayAddress, $"auth = eap-tls\ncerts = {name}.pem\nid = \"{identity}\"{aaa}",
                eapOnly ? $"auth = eap-tls\nid = {gatewayId}" : GatewayCertificate(gatewayId))}}
            }
            """);
    }
}
