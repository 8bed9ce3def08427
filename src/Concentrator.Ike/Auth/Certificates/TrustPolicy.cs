using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// What a connection trusts a peer's certificate with (strongSwan's <c>remote.cacerts</c>, <c>remote.crls</c>): its
/// CAs only — never the system store —, the CRLs of those CAs or their intermediates, an optional extended key
/// usage the end entity must carry and the longest chain accepted.
/// </summary>
public sealed record TrustPolicy
{
    /// <summary>strongSwan's default limit of intermediate CAs is 7; a chain is end entity + intermediates + root.</summary>
    public const int DefaultMaxChainLength = 7;

    private readonly List<DistinguishedName> _anchorNames;

    public TrustPolicy(IReadOnlyList<X509Certificate2> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        Anchors = anchors;
        AnchorKeyHashes = anchors.Select(KeyHash).ToList();
        _anchorNames = anchors.Select(a => DistinguishedName.TryFromDer(a.SubjectName.RawData, out DistinguishedName? n) ? n : null)
            .OfType<DistinguishedName>().ToList();
    }

    /// <summary>The trusted CA certificates (trust anchors).</summary>
    public IReadOnlyList<X509Certificate2> Anchors { get; }

    /// <summary>RFC 7296 §3.7: the SHA-1 hash of each anchor's SubjectPublicKeyInfo, as a CERTREQ names CAs.</summary>
    public IReadOnlyList<byte[]> AnchorKeyHashes { get; }

    /// <summary>Revocation lists, checked against each certificate whose issuer signed one.</summary>
    public IReadOnlyList<RevocationList> Crls { get; init; } = [];

    /// <summary>When missing revocation information refuses a certificate (<c>remote.revocation</c>).</summary>
    public RevocationPolicy Revocation { get; init; } = RevocationPolicy.Relaxed;

    /// <summary>OCSP responders asked about certificates the <see cref="Anchors"/> issued, before those the
    /// certificates name (strongSwan's <c>authorities.ocsp_uris</c>).</summary>
    public IReadOnlyList<Uri> OcspUris { get; init; } = [];

    /// <summary>CRLs of the <see cref="Anchors"/> to fetch, besides the distribution points the certificates name
    /// (strongSwan's <c>authorities.crl_uris</c>).</summary>
    public IReadOnlyList<Uri> CrlUris { get; init; } = [];

    /// <summary>An extended key usage (OID) the end entity must carry, e.g. 1.3.6.1.5.5.7.3.2 (clientAuth); null: none.</summary>
    public string? RequiredEku { get; init; }

    /// <summary>The most certificates a chain may have, end entity and trust anchor included.</summary>
    public int MaxChainLength { get; init; } = DefaultMaxChainLength;

    /// <summary>RFC 7296 §3.7: "the SHA-1 hash of the Subject Public Key Info element".</summary>
    public static byte[] KeyHash(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
#pragma warning disable CA5350 // SHA-1 is what RFC 7296 §3.7 names for CA identifiers, not a signature.
        return SHA1.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());
#pragma warning restore CA5350
    }

    /// <summary>Whether one of the anchors is named <paramref name="issuerName"/> (DER Name, compared as a DN): a cheap
    /// check of "this connection's CAs could anchor the chain" for choosing a connection.</summary>
    public bool MayAnchor(ReadOnlySpan<byte> issuerName) =>
        DistinguishedName.TryFromDer(issuerName, out DistinguishedName? issuer) && _anchorNames.Contains(issuer!);
}
