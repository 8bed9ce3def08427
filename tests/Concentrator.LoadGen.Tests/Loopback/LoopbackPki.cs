using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.LoadGen.Tests.Loopback;

/// <summary>A CA, the gateway's certificate (SAN gw.loopback.test) and a client certificate, made with the BCL's
/// CertificateRequest; the client's certificate, key and the CA are written as PEM files for the swarm's --cert,
/// --key and --ca. Deleted with the instance.</summary>
internal sealed class LoopbackPki : IDisposable
{
    private readonly X509Certificate2 _gateway;
    private readonly AsymmetricAlgorithm _gatewayKey;

    public LoopbackPki(string caName = "C=CH, O=Loopback, CN=Loopback Root CA", bool rsa = false)
    {
        Folder = Directory.CreateTempSubdirectory("lg-pki-").FullName;
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(caName, caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        _gatewayKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _gateway = Issue("C=CH, O=Loopback, CN=gw.loopback.test", _gatewayKey, "gw.loopback.test");
        AsymmetricAlgorithm clientKey = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 client = Issue("C=CH, O=Loopback, CN=swarm client", clientKey, "swarm.loopback.test");
        File.WriteAllText(CertFile, client.ExportCertificatePem());
        File.WriteAllText(KeyFile, clientKey switch { RSA r => r.ExportPkcs8PrivateKeyPem(), ECDsa e => e.ExportPkcs8PrivateKeyPem(), _ => "" });
        File.WriteAllText(CaFile, Ca.ExportCertificatePem());
        clientKey.Dispose();
    }

    public string Folder { get; }

    public X509Certificate2 Ca { get; }

    public string CertFile => Path.Combine(Folder, "client.pem");

    public string KeyFile => Path.Combine(Folder, "client.key");

    public string CaFile => Path.Combine(Folder, "ca.pem");

    /// <summary>The gateway's credential: signs with its certificate, trusts this PKI's CA for clients.</summary>
    public PubkeyAuthenticator Gateway() =>
        new(LocalCertificate.Create([_gateway], SigningKey.From(_gatewayKey switch
        {
            ECDsa e => ECDsa.Create(e.ExportParameters(true)),
            _ => throw new InvalidOperationException(),
        })), new TrustPolicy([Ca]));

    private X509Certificate2 Issue(string subject, AsymmetricAlgorithm key, string dns)
    {
        CertificateRequest request = key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dns);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using ECDsa caKey = Ca.GetECDsaPrivateKey()!;
        var generator = X509SignatureGenerator.CreateForECDsa(caKey);
        return request.Create(Ca.SubjectName, generator, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _gatewayKey.Dispose();
        Ca.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
