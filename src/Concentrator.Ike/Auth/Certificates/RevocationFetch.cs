namespace Concentrator.Ike.Auth.Certificates;

/// <summary>Where revocation information comes from: a CRL (RFC 5280 §4.2.1.13) or an OCSP responder (RFC 6960).</summary>
public enum RevocationSource
{
    Crl,
    Ocsp,
}

/// <summary>
/// Something to fetch before a peer's certificate can be judged: a CRL by HTTP GET, or an OCSP request by HTTP POST
/// (RFC 6960 Appendix A.1, <c>application/ocsp-request</c>). The host fetches it and hands the answer to
/// <see cref="RevocationCache.Store"/> under <see cref="Key"/>, which checks it against <see cref="Issuer"/>.
/// </summary>
/// <param name="Certificate">DER of the certificate asked about (OCSP) or of one the CRL covers.</param>
/// <param name="Issuer">DER of its issuer, whose signature the answer must carry (directly or through a responder).</param>
public sealed record RevocationFetch(RevocationSource Source, Uri Uri, string Key, byte[]? OcspRequest, byte[] Certificate, byte[] Issuer)
{
    public override string ToString() => $"{(Source == RevocationSource.Crl ? "CRL" : "OCSP")} {Uri}";
}

/// <summary>The fetches an IKE_AUTH waits for (the held answer's relay request, <see cref="Sa.IkeSaEffect.RelayEap"/>).</summary>
public sealed record RevocationFetchRequest(IReadOnlyList<RevocationFetch> Fetches);
