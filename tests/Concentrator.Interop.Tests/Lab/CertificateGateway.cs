namespace Concentrator.Interop.Tests.Lab;

/// <summary>
/// A PKI made with strongSwan's <c>pki</c> for the certificate scenarios: a root CA, optionally intermediates below
/// it, and the gateway's certificate (<see cref="GatewayId"/> as dNSName) under the lowest CA; clients are issued
/// on demand. <see cref="Overrides"/> adds connection "certs" (pubkey both ways, its own pool, ipsec3) and its PEM
/// files to the gateway's copy of config/.
/// </summary>
internal sealed class CertificateGateway : IDisposable
{
    public const string GatewayId = "vpn.crt.test";

    public const string Pool = "10.97.0.0/24";

    private const string Org = "C=CH, O=Concentrator Test";

    private readonly List<string> _intermediates = [];

    public CertificateGateway(string keyType = "ecdsa", int keySize = 256, int intermediates = 0)
    {
        KeyType = keyType;
        KeySize = keySize;
        RootKey = Pki.Key("root", keyType, keySize);
        Root = Pki.SelfCa("root", RootKey, $"{Org}, CN=Test Root CA");
        (Issuer, IssuerKey) = (Root, RootKey);
        for (int i = 1; i <= intermediates; i++)
        {
            string key = Pki.Key($"int{i}", keyType, keySize);
            string cert = Pki.Issue($"int{i}", key, Issuer, IssuerKey, $"{Org}, CN=Test Intermediate {i}", [], ca: true);
            _intermediates.Insert(0, cert);
            (Issuer, IssuerKey) = (cert, key);
        }

        GatewayKey = Pki.Key("gw", keyType, keySize);
        GatewayCert = Pki.Issue("gw", GatewayKey, Issuer, IssuerKey, $"{Org}, CN={GatewayId}", [GatewayId], flags: "--flag serverAuth");
    }

    public StrongSwanPki Pki { get; } = new();

    public string KeyType { get; }

    public int KeySize { get; }

    public string Root { get; }

    public string RootKey { get; }

    /// <summary>The CA that issues the gateway and the clients (the lowest intermediate, else the root).</summary>
    public string Issuer { get; }

    public string IssuerKey { get; }

    public string GatewayCert { get; }

    public string GatewayKey { get; }

    /// <summary>The intermediates' PEM, lowest first (the order they are sent in).</summary>
    public IReadOnlyList<string> IntermediatesPem => _intermediates.Select(Pki.Read).ToList();

    /// <summary>A client certificate for <paramref name="san"/> (dNSName or rfc822Name), key of its own type.</summary>
    public (string CertPem, string KeyPem, string CertFile) Client(string name, string type, int size, string san,
        DateTime? notBefore = null, DateTime? notAfter = null, string? issuer = null, string? issuerKey = null)
    {
        string key = Pki.Key(name, type, size);
        string cert = Pki.Issue(name, key, issuer ?? Issuer, issuerKey ?? IssuerKey, $"{Org}, CN={san}", [san], notBefore: notBefore, notAfter: notAfter,
            flags: "--flag clientAuth");
        return (Pki.Read(cert), Pki.Read(key), cert);
    }

    /// <summary>The gateway's extra connection file and PEM files; <paramref name="crls"/> are CRL files of the root.</summary>
    public GatewayOverrides Overrides(params string[] crls) => OverridesWithLocal("", crls);

    /// <summary>As <see cref="Overrides"/>, with more keys for the connection's <c>local</c> section.</summary>
    public GatewayOverrides OverridesWithLocal(string localKeys, params string[] crls)
    {
        var files = new Dictionary<string, string>
        {
            ["crt-gw.pem"] = Pki.Read(GatewayCert),
            ["crt-gw.key"] = Pki.Read(GatewayKey),
            ["crt-root.pem"] = Pki.Read(Root),
        };
        for (int i = 0; i < _intermediates.Count; i++)
        {
            files[$"crt-int{i}.pem"] = Pki.Read(_intermediates[i]);
        }

        for (int i = 0; i < crls.Length; i++)
        {
            files[$"crt-{i}.crl"] = Pki.Read(crls[i]);
        }

        string certs = string.Join(", ", new[] { "\"crt-gw.pem\"" }.Concat(_intermediates.Select((_, i) => $"\"crt-int{i}.pem\"")));
        string crlList = string.Join(", ", crls.Select((_, i) => $"\"crt-{i}.crl\""));
        files["certs.conf"] = $$"""
            certs {
              local { id = "{{GatewayId}}", auth = pubkey, certs = [ {{certs}} ], key = "crt-gw.key" {{localKeys}} }
              remote { id = "%any", auth = pubkey, cacerts = [ "crt-root.pem" ], crls = [{{crlList}}] }
              ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
              esp-proposals = [ "aes256gcm16" ]
              local-ts = [ "198.51.100.0/24" ]
              pools = [ "{{Pool}}" ]
              ipsec-interface = 3
            }
            """;
        return new GatewayOverrides { ExtraFiles = files };
    }

    /// <summary>Connection "eap-certs": the gateway proves itself with its certificate, clients with EAP
    /// (<paramref name="method"/>, users in <c>eap-secrets</c>), its own pool, ipsec3.</summary>
    public GatewayOverrides EapOverrides(string method, string users, string pool = "10.96.0.0/24") => new()
    {
        ExtraFiles = new Dictionary<string, string>
        {
            ["crt-gw.pem"] = Pki.Read(GatewayCert),
            ["crt-gw.key"] = Pki.Read(GatewayKey),
            ["eap-certs.conf"] = $$"""
                eap-certs {
                  local { id = "{{GatewayId}}", auth = pubkey, certs = [ "crt-gw.pem" ], key = "crt-gw.key" }
                  remote { id = "%any", auth = {{method}} }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "{{pool}}" ]
                  ipsec-interface = 3
                }
                eap-secrets { {{users}} }
                """,
        },
    };

    /// <summary>Connection "eap-tls": the gateway proves itself with its certificate in IKE and presents it again in
    /// EAP-TLS (RFC 5216), whose client certificates must chain to the root; its own pool, ipsec3.</summary>
    public GatewayOverrides EapTlsOverrides(string pool, string server = "", bool eapOnly = false) => new()
    {
        Server = server,
        ExtraFiles = new Dictionary<string, string>
        {
            ["crt-gw.pem"] = Pki.Read(GatewayCert),
            ["crt-gw.key"] = Pki.Read(GatewayKey),
            ["crt-root.pem"] = Pki.Read(Root),
            ["eap-tls.conf"] = $$"""
                eap-tls {
                  local { id = "{{GatewayId}}", auth = pubkey, certs = [ "crt-gw.pem" ], key = "crt-gw.key" }
                  remote { id = "%any", auth = eap-tls, cacerts = [ "crt-root.pem" ], eap-only = {{(eapOnly ? "yes" : "no")}} }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "{{pool}}" ]
                  ipsec-interface = 3
                }
                """,
        },
    };

    /// <summary>Connection "eap-radius-crt": the gateway proves itself with its certificate, the EAP conversation is
    /// relayed to the RADIUS server on the gateway's loopback at <paramref name="authPort"/>/<paramref name="acctPort"/>
    /// (EAP-Identity asked, any user); its own pool, ipsec3.</summary>
    public GatewayOverrides EapRadiusOverrides(int authPort, int acctPort, string pool) => new()
    {
        Server = $$"""
            concentrator.radius {
              servers = [ { address = "127.0.0.1", port = {{authPort}}, acct-port = {{acctPort}}, secret = "{{Concentrator.Server.Tests.Radius.FreeRadius.Secret}}" } ]
              timeout = 2s
              retries = 2
            }
            """,
        ExtraFiles = new Dictionary<string, string>
        {
            ["crt-gw.pem"] = Pki.Read(GatewayCert),
            ["crt-gw.key"] = Pki.Read(GatewayKey),
            ["eap-radius-crt.conf"] = $$"""
                eap-radius-crt {
                  local { id = "{{GatewayId}}", auth = pubkey, certs = [ "crt-gw.pem" ], key = "crt-gw.key" }
                  remote { id = "%any", auth = eap-radius, eap-id = "%any" }
                  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
                  esp-proposals = [ "aes256gcm16" ]
                  local-ts = [ "198.51.100.0/24" ]
                  pools = [ "{{pool}}" ]
                  ipsec-interface = 3
                }
                """,
        },
    };

    public void Dispose() => Pki.Dispose();
}
