using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.Oiw;
using AlgorithmIdentifier = Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>OCSP responses made with BouncyCastle's generator, as a responder would sign them (by the CA itself or a
/// delegated responder certificate), for <see cref="TestPki"/> certificates.</summary>
internal static class OcspFixtures
{
    public const string OcspSigning = "1.3.6.1.5.5.7.3.9";

    /// <summary>A DER OCSPResponse on <paramref name="subject"/> with <paramref name="status"/> (null = good), signed by
    /// <paramref name="signer"/> (default: the issuer) and naming <paramref name="serialOverride"/> when given.</summary>
    public static byte[] Response(Issued issuer, X509Certificate2 subject, CertificateStatus? status, DateTimeOffset thisUpdate,
        DateTimeOffset? nextUpdate, Issued? signer = null, long? serialOverride = null)
    {
        signer ??= issuer;
        var bcIssuer = new BcCertificate(issuer.Certificate.RawData);
        var bcSigner = new BcCertificate(signer.Certificate.RawData);
        var serial = serialOverride is { } s ? Org.BouncyCastle.Math.BigInteger.ValueOf(s)
            : new Org.BouncyCastle.Math.BigInteger(1, subject.SerialNumberBytes.ToArray());
        var id = new CertificateID(new AlgorithmIdentifier(OiwObjectIdentifiers.IdSha1, Org.BouncyCastle.Asn1.DerNull.Instance), bcIssuer, serial);
        var generator = new BasicOcspRespGenerator(new RespID(bcSigner.SubjectDN));
        generator.AddResponse(id, status, thisUpdate.UtcDateTime, nextUpdate?.UtcDateTime, null);
        var key = PrivateKeyFactory.CreateKey(((ECDsa)signer.Key!).ExportPkcs8PrivateKey());
        BasicOcspResp basic = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", key),
            ReferenceEquals(signer, issuer) ? null : [bcSigner], thisUpdate.UtcDateTime);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    public static CertificateStatus Revoked => new RevokedStatus(TestPki.Now.AddDays(-2).UtcDateTime, 1);

    public static CertificateStatus Unknown => new UnknownStatus();

    /// <summary>A delegated responder: issued by <paramref name="issuer"/>, with id-kp-OCSPSigning unless told not.</summary>
    public static Issued Responder(Issued issuer, bool ocspSigning = true) =>
        TestPki.Leaf(issuer, subject: "C=CH, O=Example, CN=OCSP responder", eku: ocspSigning ? [OcspSigning] : ["1.3.6.1.5.5.7.3.1"]);

    /// <summary>An end entity naming <paramref name="ocsp"/> in its authority information access and
    /// <paramref name="crl"/> as its distribution point.</summary>
    public static Issued LeafWithUris(Issued issuer, string? ocsp, string? crl, string subject = "C=CH, O=Example, CN=online")
    {
        X509Extension? aia = ocsp is null ? null : new X509AuthorityInformationAccessExtension([ocsp], null);
        Issued leaf = TestPki.Leaf(issuer, subject: subject, extra: aia);
        if (crl is null)
        {
            return leaf;
        }

        // The BCL's Leaf takes one extra extension: the distribution point is added by reissuing with both.
        var request = new CertificateRequest(leaf.Certificate.SubjectName, (ECDsa)leaf.Key!, HashAlgorithmName.SHA256);
        foreach (X509Extension e in leaf.Certificate.Extensions)
        {
            request.CertificateExtensions.Add(e);
        }

        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crl]));
        X509Certificate2 both = request.Create(issuer.Certificate.SubjectName, issuer.Signer, TestPki.Now.AddDays(-1), TestPki.Now.AddDays(30),
            leaf.Certificate.SerialNumberBytes.ToArray());
        return new Issued(both, leaf.Key);
    }
}
