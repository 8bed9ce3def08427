using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Config;

/// <summary>
/// Reads the files <see cref="CertificateSettings"/> names: our chain and key (which must match), the CAs (which
/// must be CAs) and the CRLs (which a CA of the connection must have signed when it names one as issuer). Every
/// problem is a <see cref="ConfigException"/> naming the connection file, the key and the file at fault.
/// </summary>
public static class CertificateFiles
{
    /// <summary>Our credential for <paramref name="connection"/>; null when it has no <c>local.certs</c>.</summary>
    public static LocalCertificate? Local(ConnectionSettings connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        CertificateSettings s = connection.Certificates;
        if (s.LocalCerts.Count == 0)
        {
            return null;
        }

        var chain = new List<X509Certificate2>();
        for (int i = 0; i < s.LocalCerts.Count; i++)
        {
            chain.AddRange(ReadCertificates(connection, $"local.certs[{i}]", s.LocalCerts[i]));
        }

        string keyName = Key(connection, "local.key");
        string keyPem = ReadText(connection, "local.key", s.LocalKey, "a PEM private key");
        SigningKey key;
        try
        {
            key = SigningKey.FromPem(keyPem);
        }
        catch (FormatException e)
        {
            throw new ConfigException(connection.File, keyName, $"expected an RSA, ECDSA or Ed25519 private key in '{s.LocalKey}': {e.Message}");
        }

        try
        {
            LocalCertificate local = LocalCertificate.Create(chain, key, s.RsaPss);
            if (connection.Local.Id.Length > 0 && !IdentityBinding.Binds(local.EndEntity, IkeIdentity.Parse(connection.Local.Id)))
            {
                // A peer would refuse us: RFC 7296 §3.5 identities are bound to the certificate (strongSwan checks it).
                throw new ConfigException(connection.File, Key(connection, "local.id"),
                    $"expected an identity of our certificate '{s.LocalCerts[0]}' (its subject DN or a subjectAltName), got '{connection.Local.Id}'");
            }

            return local;
        }
        catch (ArgumentException)
        {
            key.Dispose();
            throw new ConfigException(connection.File, keyName,
                $"expected the private key of certificate '{Subject(chain[0])}' ('{s.LocalCerts[0]}'), '{s.LocalKey}' holds another {key.Kind} key");
        }
    }

    /// <summary>What the connection trusts peers' certificates with; null when it has no <c>remote.cacerts</c>.</summary>
    public static TrustPolicy? Trust(ConnectionSettings connection, int maxChainLength)
    {
        ArgumentNullException.ThrowIfNull(connection);
        CertificateSettings s = connection.Certificates;
        if (s.RemoteCaCerts.Count == 0)
        {
            return null;
        }

        var anchors = new List<X509Certificate2>();
        for (int i = 0; i < s.RemoteCaCerts.Count; i++)
        {
            foreach (X509Certificate2 ca in ReadCertificates(connection, $"remote.cacerts[{i}]", s.RemoteCaCerts[i]))
            {
                if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                {
                    throw new ConfigException(connection.File, Key(connection, $"remote.cacerts[{i}]"),
                        $"expected CA certificates (basic constraints CA:TRUE), '{s.RemoteCaCerts[i]}' holds '{Subject(ca)}', which is not a CA");
                }

                anchors.Add(ca);
            }
        }

        var crls = new List<RevocationList>();
        for (int i = 0; i < s.RemoteCrls.Count; i++)
        {
            string key = $"remote.crls[{i}]";
            byte[] data = ReadBytes(connection, key, s.RemoteCrls[i], "a CRL (DER or PEM)");
            RevocationList crl;
            try
            {
                crl = RevocationList.Parse(data);
            }
            catch (FormatException e)
            {
                throw new ConfigException(connection.File, Key(connection, key), $"expected a CRL in '{s.RemoteCrls[i]}': {e.Message}");
            }

            // A CRL of one of our CAs must carry that CA's signature; one of an intermediate is checked when the
            // intermediate arrives with a peer's chain.
            var named = anchors.Where(a => DistinguishedName.TryFromDer(a.SubjectName.RawData, out var n) && DistinguishedName.TryFromDer(crl.Issuer, out var m) && n!.Equals(m)).ToList();
            if (named.Count > 0 && !named.Any(crl.IsSignedBy))
            {
                throw new ConfigException(connection.File, Key(connection, key), $"expected a CRL signed by its issuer, the signature of '{s.RemoteCrls[i]}' does not verify with the CA of that name");
            }

            crls.Add(crl);
        }

        return new TrustPolicy(anchors)
        {
            Crls = crls,
            RequiredEku = s.RemoteEku,
            MaxChainLength = maxChainLength,
            Revocation = s.RemoteRevocation,
            OcspUris = s.RemoteOcspUris,
            CrlUris = s.RemoteCrlUris,
        };
    }

    private static string Key(ConnectionSettings connection, string key) => $"{connection.Name}.{key}";

    /// <summary>A subject in strongSwan's order (C first), as the operator wrote it for pki.</summary>
    private static string Subject(X509Certificate2 certificate) =>
        DistinguishedName.TryFromDer(certificate.SubjectName.RawData, out DistinguishedName? dn) ? dn!.ToString() : certificate.Subject;

    private static IReadOnlyList<X509Certificate2> ReadCertificates(ConnectionSettings connection, string key, string path)
    {
        string pem = ReadText(connection, key, path, "PEM certificates");
        try
        {
            return LocalCertificate.ReadPem(pem);
        }
        catch (FormatException e)
        {
            throw new ConfigException(connection.File, Key(connection, key), $"expected PEM certificates in '{path}': {e.Message}");
        }
    }

    private static string ReadText(ConnectionSettings connection, string key, string path, string expected) =>
        System.Text.Encoding.ASCII.GetString(ReadBytes(connection, key, path, expected));

    private static byte[] ReadBytes(ConnectionSettings connection, string key, string path, string expected)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(connection.File, Key(connection, key), $"expected a readable file with {expected}, '{path}': {e.Message}");
        }
    }
}
