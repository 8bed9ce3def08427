using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>One certificate and the key it certifies (null for Ed25519 subjects, whose seed is <see cref="Ed25519Seed"/>).</summary>
internal sealed record Issued(X509Certificate2 Certificate, AsymmetricAlgorithm? Key, byte[]? Ed25519Seed = null)
{
    public X509SignatureGenerator Signer => Key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("an Ed25519 certificate does not issue here"),
    };
}

/// <summary>Certificates made in the test with the BCL's CertificateRequest: CAs, intermediates and end entities
/// with whatever flaw a test needs, all relative to <see cref="Now"/> (the harness clock).</summary>
internal static class TestPki
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static long _serial = 1000;

    public static Issued Ca(string subject = "C=CH, O=Example, CN=Example Root CA", Issued? issuer = null, int? pathLength = null,
        X509KeyUsageFlags usage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, bool caFlag = true, AsymmetricAlgorithm? key = null)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Issue(subject, key, issuer, request =>
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(caFlag, pathLength is not null, pathLength ?? 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        });
    }

    public static Issued Leaf(Issued issuer, string subject = "C=CH, O=Example, CN=client", string[]? dns = null, string[]? email = null,
        IPAddress[]? addresses = null, AsymmetricAlgorithm? key = null, X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string[]? eku = null, X509Extension? extra = null)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Issue(subject, key, issuer, request => Extensions(request, dns, email, addresses, usage, eku, extra), notBefore, notAfter);
    }

    /// <summary>An Ed25519 end entity: the BCL cannot make Ed25519 keys, so the public key is built from a seed
    /// (RFC 8410 SubjectPublicKeyInfo) and the CA signs it with its own RSA/ECDSA key.</summary>
    public static Issued Ed25519Leaf(Issued issuer, byte[] seed, byte[] publicKey, string subject = "C=CH, O=Example, CN=ed")
    {
        var spki = new PublicKey(new Oid("1.3.101.112"), null, new AsnEncodedData(publicKey));
        var request = new CertificateRequest(new X500DistinguishedName(Reverse(subject)), spki, HashAlgorithmName.SHA256);
        Extensions(request, ["ed.example.org"], null, null, X509KeyUsageFlags.DigitalSignature, null, null);
        X509Certificate2 certificate = request.Create(issuer.Certificate.SubjectName, issuer.Signer, Now.AddDays(-1), Now.AddDays(30), NextSerial());
        return new Issued(certificate, null, seed);
    }

    private static void Extensions(CertificateRequest request, string[]? dns, string[]? email, IPAddress[]? addresses,
        X509KeyUsageFlags usage, string[]? eku, X509Extension? extra)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        if (usage != X509KeyUsageFlags.None)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        }

        var san = new SubjectAlternativeNameBuilder();
        bool any = false;
        foreach (string d in dns ?? [])
        {
            san.AddDnsName(d);
            any = true;
        }

        foreach (string e in email ?? [])
        {
            san.AddEmailAddress(e);
            any = true;
        }

        foreach (IPAddress a in addresses ?? [])
        {
            san.AddIpAddress(a);
            any = true;
        }

        if (any)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        if (eku is not null)
        {
            var oids = new OidCollection();
            foreach (string oid in eku)
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        if (extra is not null)
        {
            request.CertificateExtensions.Add(extra);
        }
    }

    /// <summary>A CRL by <paramref name="issuer"/> revoking <paramref name="revoked"/>, as DER.</summary>
    public static byte[] Crl(Issued issuer, DateTimeOffset? nextUpdate = null, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (X509Certificate2 c in revoked)
        {
            builder.AddEntry(c, Now.AddHours(-1));
        }

        return issuer.Key switch
        {
            ECDsa ec => builder.Build(issuer.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(ec), BigInteger.One,
                nextUpdate ?? Now.AddDays(7), HashAlgorithmName.SHA256, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false), Now.AddDays(-1)),
            _ => builder.Build(issuer.Certificate, BigInteger.One, nextUpdate ?? Now.AddDays(7), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, Now.AddDays(-1)),
        };
    }

    private static Issued Issue(string subject, AsymmetricAlgorithm key, Issued? issuer, Action<CertificateRequest> extensions,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var name = new X500DistinguishedName(Reverse(subject));
        CertificateRequest request = key switch
        {
            ECDsa ec => new CertificateRequest(name, ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("RSA or ECDSA", nameof(key)),
        };
        extensions(request);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset from = notBefore ?? Now.AddDays(-1), to = notAfter ?? Now.AddDays(30);
        X509Certificate2 certificate = issuer is null
            ? request.Create(name, key is ECDsa e ? X509SignatureGenerator.CreateForECDsa(e) : X509SignatureGenerator.CreateForRSA((RSA)key, RSASignaturePadding.Pkcs1), from, to, NextSerial())
            : request.Create(issuer.Certificate.SubjectName, issuer.Signer, from, to, NextSerial());
        return new Issued(certificate, key);
    }

    private static byte[] NextSerial() => BigInteger.Parse(Interlocked.Increment(ref _serial).ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture).ToByteArray(isUnsigned: true, isBigEndian: true);

    /// <summary>strongSwan's order (C first, as in DER) to the BCL's text order (CN first).</summary>
    private static string Reverse(string dn) => string.Join(", ", dn.Split(", ").Reverse());
}
