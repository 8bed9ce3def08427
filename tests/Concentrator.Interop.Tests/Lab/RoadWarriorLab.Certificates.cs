namespace Concentrator.Interop.Tests.Lab;

// The road warrior with a certificate: swanctl takes certificates and keys from x509/, x509ca/ and private/ next to
// the swanctl.conf it loads (swanctl --load-all --file).
internal sealed partial class RoadWarriorLab
{
    /// <summary>Loads connection "home" authenticating with <paramref name="certificate"/> (PEM) and its
    /// <paramref name="key"/>, plus <paramref name="intermediates"/> it sends along, and checking the gateway's
    /// certificate against <paramref name="ca"/> with identity <paramref name="gatewayId"/>; <paramref name="identity"/>
    /// null = strongSwan's default (the certificate's subject DN).</summary>
    public void LoadCertificate(string name, string certificate, string key, string ca, string gatewayId, string? identity = null,
        IReadOnlyList<string>? intermediates = null, string ikeOptions = "")
    {
        _dir.Write($"x509/{name}.pem", certificate);
        _dir.Write($"private/{name}.key", key);
        _dir.Write("x509ca/ca.pem", ca);
        for (int i = 0; i < (intermediates?.Count ?? 0); i++)
        {
            _dir.Write($"x509ca/{name}-intermediate-{i}.pem", intermediates![i]);
        }

        string id = identity is null ? "" : $"id = \"{identity}\"";
        LoadConf($$"""
            connections {
            {{SwanctlConnections.Connection("home", GatewayAddress, $"auth = pubkey\ncerts = {name}.pem\n{id}", GatewayCertificate(gatewayId), ikeOptions: ikeOptions)}}
            }
            """);
    }

    /// <summary>The remote section of a client that checks the gateway's certificate against the lab's x509ca/ca.pem.</summary>
    private static string GatewayCertificate(string gatewayId) => $"auth = pubkey\nid = {gatewayId}\ncacerts = ca.pem";
}
