using Concentrator.Ike.Auth.Certificates;

namespace Concentrator.Server.Config;

/// <summary>
/// A connection's certificate keys (strongSwan's <c>local.certs</c>, the private key, <c>remote.cacerts</c>,
/// <c>remote.crls</c>), with paths resolved against the folder of the connection file that names them, and the
/// extended key usage the peer's certificate must carry (<c>remote.eku</c>, as an OID; null = none). The files are
/// read by <see cref="CertificateFiles"/>, so that <c>check-config</c> and <c>run</c> refuse the same problems.
/// </summary>
public sealed record CertificateSettings(
    IReadOnlyList<string> LocalCerts,
    string LocalKey,
    IReadOnlyList<string> RemoteCaCerts,
    IReadOnlyList<string> RemoteCrls,
    string? RemoteEku)
{
    public static CertificateSettings None { get; } = new([], "", [], [], null);

    /// <summary><c>remote.revocation</c>: what missing revocation information means (strongSwan's revocation).</summary>
    public RevocationPolicy RemoteRevocation { get; init; } = RevocationPolicy.Relaxed;

    /// <summary><c>remote.ocsp-uris</c>: OCSP responders for certificates the connection's CAs issued.</summary>
    public IReadOnlyList<Uri> RemoteOcspUris { get; init; } = [];

    /// <summary><c>remote.crl-uris</c>: where the connection's CAs publish their CRLs.</summary>
    public IReadOnlyList<Uri> RemoteCrlUris { get; init; } = [];

    /// <summary><c>local.rsa-pss</c>: an RSA key signs RFC 7427 AUTH payloads with RSASSA-PSS instead of PKCS#1 v1.5.</summary>
    public bool RsaPss { get; init; }

    /// <summary>Names of extended key usages strongSwan and OpenSSL use, and their OIDs (RFC 5280 §4.2.1.12).</summary>
    private static readonly Dictionary<string, string> EkuNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["serverAuth"] = "1.3.6.1.5.5.7.3.1",
        ["clientAuth"] = "1.3.6.1.5.5.7.3.2",
        ["ikeIntermediate"] = "1.3.6.1.5.5.8.2.2",
        ["ipsecIKE"] = "1.3.6.1.5.5.7.3.17",
    };

    internal static CertificateSettings Read(PrefixedReader r, string file, EndpointSettings local, EndpointSettings remote)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "/";
        string Resolve(string path) => Path.IsPathFullyQualified(path) ? path : Path.GetFullPath(Path.Combine(folder, path));

        var certs = r.StringList("local.certs").Select(Resolve).ToList();
        string keyText = r.String("local.key");
        var cas = r.StringList("remote.cacerts").Select(Resolve).ToList();
        var crls = r.StringList("remote.crls").Select(Resolve).ToList();
        string ekuText = r.String("remote.eku");
        string? eku = ekuText.Length == 0 ? null
            : EkuNames.TryGetValue(ekuText, out string? oid) ? oid
            : ekuText.All(c => char.IsAsciiDigit(c) || c == '.') && ekuText.Contains('.', StringComparison.Ordinal) ? ekuText
            : throw r.Error("remote.eku", $"expected clientAuth, serverAuth, ipsecIKE, ikeIntermediate or a dotted OID, got '{ekuText}'");

        if (local.Auth == AuthClass.Pubkey && certs.Count == 0)
        {
            throw r.Error("local.certs", "expected our certificate file (end entity first, then intermediates), e.g. [ \"certs/gw.pem\" ]: local.auth = pubkey");
        }

        if (local.Auth == AuthClass.Pubkey && keyText.Length == 0)
        {
            throw r.Error("local.key", "expected the PEM file of our certificate's private key, e.g. \"private/gw.key\": local.auth = pubkey");
        }

        if (remote.Auth == AuthClass.Pubkey && cas.Count == 0)
        {
            throw r.Error("remote.cacerts", "expected the CA certificate files peers' certificates must chain to, e.g. [ \"cacerts/ca.pem\" ]: remote.auth = pubkey (the system store is never used)");
        }

        string pssText = r.String("local.rsa-pss");
        bool pss = pssText.ToLowerInvariant() switch
        {
            "yes" or "true" or "on" => true,
            "no" or "false" or "off" => false,
            _ => throw r.Error("local.rsa-pss", $"expected yes or no, got '{pssText}'"),
        };
        string revocationText = r.String("remote.revocation");
        RevocationPolicy revocation = revocationText.ToLowerInvariant() switch
        {
            "relaxed" => RevocationPolicy.Relaxed,
            "ifuri" => RevocationPolicy.IfUri,
            "strict" => RevocationPolicy.Strict,
            _ => throw r.Error("remote.revocation", $"expected strict, ifuri or relaxed, got '{revocationText}'"),
        };
        return new CertificateSettings(certs, keyText.Length == 0 ? "" : Resolve(keyText), cas, crls, eku)
        {
            RsaPss = pss,
            RemoteRevocation = revocation,
            RemoteOcspUris = HttpUris(r, "remote.ocsp-uris"),
            RemoteCrlUris = HttpUris(r, "remote.crl-uris"),
        };
    }

    private static List<Uri> HttpUris(PrefixedReader r, string key) => r.StringList(key)
        .Select(text => Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttp ? uri
            : throw r.Error(key, $"expected http:// URIs, e.g. [ \"http://ca.example.org/ocsp\" ], got '{text}'"))
        .ToList();
}
