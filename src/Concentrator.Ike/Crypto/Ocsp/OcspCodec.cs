using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Org.BouncyCastle.Ocsp;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Concentrator.Ike.Crypto.Ocsp;

/// <summary>
/// OCSP requests and responses (RFC 6960) in BouncyCastle, which the BCL lacks: a request for one certificate (CertID
/// with SHA-1, as every responder answers; no nonce, so that the answer can be cached and shared, RFC 5019 §2.1), and
/// the check of a response against the certificate's issuer — the issuer signed it or a responder certificate the
/// issuer issued with id-kp-OCSPSigning (RFC 6960 §4.2.2.2), it is about this certificate, and it is current.
/// </summary>
public static class OcspCodec
{
    /// <summary>How far a responder's clock may run ahead of ours (thisUpdate in the future).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A response without nextUpdate tells the status at thisUpdate only (RFC 6960 §4.2.2.1: "newer
    /// information is always available"); it counts this long after thisUpdate.</summary>
    public static readonly TimeSpan WithoutNextUpdate = TimeSpan.FromMinutes(5);

    private const string OcspSigning = "1.3.6.1.5.5.7.3.9";

    private static readonly Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier Sha1 =
        new(Org.BouncyCastle.Asn1.Oiw.OiwObjectIdentifiers.IdSha1, Org.BouncyCastle.Asn1.DerNull.Instance);

    /// <summary>The DER OCSPRequest asking about <paramref name="certificate"/>, issued by <paramref name="issuer"/>.</summary>
    public static byte[] Request(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        var generator = new OcspReqGenerator();
        generator.AddRequest(Id(certificate, Bc(issuer)));
        return generator.Generate().GetEncoded();
    }

    /// <summary>The status <paramref name="response"/> (DER OCSPResponse) gives <paramref name="certificate"/> at
    /// <paramref name="now"/>; never throws for what a responder sent.</summary>
    public static OcspAnswer Verify(ReadOnlySpan<byte> response, X509Certificate2 certificate, X509Certificate2 issuer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        try
        {
            return Check(new OcspResp(response.ToArray()), certificate, Bc(issuer), now);
        }
        catch (Exception e) when (e is OcspException or IOException or ArgumentException or InvalidCastException
            or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.SecurityUtilityException
            or Org.BouncyCastle.Crypto.CryptoException or InvalidOperationException or FormatException)
        {
            return OcspAnswer.Invalid($"the OCSP response does not decode: {e.Message}");
        }
    }

    private static OcspAnswer Check(OcspResp outer, X509Certificate2 certificate, BcCertificate issuer, DateTimeOffset now)
    {
        if (outer.Status != OcspRespStatus.Successful)
        {
            return OcspAnswer.Invalid($"the responder answered status {outer.Status} (RFC 6960 §4.2.1: not successful)");
        }

        if (outer.GetResponseObject() is not BasicOcspResp basic)
        {
            return OcspAnswer.Invalid("the response is not an id-pkix-ocsp-basic response");
        }

        if (Signer(basic, issuer, now) is { } refused)
        {
            return OcspAnswer.Invalid(refused);
        }

        CertificateID wanted = Id(certificate, issuer);
        SingleResp? single = basic.Responses.FirstOrDefault(r => Matches(r.GetCertID(), wanted, issuer));
        if (single is null)
        {
            return OcspAnswer.Invalid($"the response names no status for serial {certificate.SerialNumber}");
        }

        var thisUpdate = new DateTimeOffset(DateTime.SpecifyKind(single.ThisUpdate, DateTimeKind.Utc));
        DateTimeOffset? nextUpdate = single.NextUpdate is { } n ? new DateTimeOffset(DateTime.SpecifyKind(n, DateTimeKind.Utc)) : null;
        // RFC 6960 §3.2 (5)/(6): the time at which the status is known to be correct (thisUpdate) must be sufficiently
        // recent, and nextUpdate, when set, greater than the current time.
        if (thisUpdate > now + ClockSkew)
        {
            return OcspAnswer.Invalid($"the response's thisUpdate {thisUpdate.UtcDateTime:u} is in the future");
        }

        DateTimeOffset validUntil = nextUpdate ?? thisUpdate + WithoutNextUpdate;
        if (now > validUntil)
        {
            return OcspAnswer.Invalid($"the response is stale (valid until {validUntil.UtcDateTime:u})");
        }

        return single.GetCertStatus() switch
        {
            null => new OcspAnswer(OcspStatus.Good, "good", thisUpdate, validUntil),
            RevokedStatus revoked => new OcspAnswer(OcspStatus.Revoked, $"revoked at {revoked.RevocationTime:u}", thisUpdate, validUntil),
            _ => new OcspAnswer(OcspStatus.Unknown, "unknown to the responder", thisUpdate, validUntil),
        };
    }

    /// <summary>Null when the response is signed by <paramref name="issuer"/> or by a responder it authorised, else why not.</summary>
    private static string? Signer(BasicOcspResp basic, BcCertificate issuer, DateTimeOffset now)
    {
        if (basic.Verify(issuer.GetPublicKey()))
        {
            return null;
        }

        foreach (BcCertificate responder in basic.GetCerts() ?? [])
        {
            // RFC 6960 §4.2.2.2: a delegated responder's certificate "MUST be issued directly by the CA that is
            // identified in the request" and carry id-kp-OCSPSigning.
            if (!responder.IssuerDN.Equivalent(issuer.SubjectDN) || !IsSignedBy(responder, issuer) || !basic.Verify(responder.GetPublicKey()))
            {
                continue;
            }

            if (responder.GetExtendedKeyUsage()?.Any(o => o.Id == OcspSigning) != true)
            {
                return $"the responder certificate '{responder.SubjectDN}' lacks the OCSPSigning extended key usage";
            }

            return responder.IsValid(now.UtcDateTime) ? null : $"the responder certificate '{responder.SubjectDN}' is not valid now";
        }

        return "the response is signed neither by the certificate's CA nor by a responder certificate that CA issued";
    }

    private static bool IsSignedBy(BcCertificate certificate, BcCertificate issuer)
    {
        try
        {
            certificate.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.Certificates.CertificateException
            or Org.BouncyCastle.Security.SignatureException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Matches(CertificateID got, CertificateID wanted, BcCertificate issuer) =>
        got.SerialNumber.Equals(wanted.SerialNumber) && (got.HashAlgOid == wanted.HashAlgOid ? got.Equals(wanted) : got.MatchesIssuer(issuer));

    private static CertificateID Id(X509Certificate2 certificate, BcCertificate issuer) =>
        new(Sha1, issuer, new Org.BouncyCastle.Math.BigInteger(1, certificate.SerialNumberBytes.ToArray()));

    private static BcCertificate Bc(X509Certificate2 certificate) => new(certificate.RawData);
}
