using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Crypto.Signature;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// Our own certificate credential: the end-entity certificate, the intermediates that lead to the peer's CA, and the
/// private key that matches the end entity (strongSwan's <c>local.certs</c> and the key from <c>private/</c>).
/// </summary>
public sealed class LocalCertificate : IDisposable
{
    /// <summary>End entity and intermediates, and the key hash of each certificate's issuer among them (what a CERTREQ
    /// names), made once: <see cref="ChainFor"/> runs in every IKE_AUTH.</summary>
    private readonly X509Certificate2[] _chain;
    private readonly byte[][] _issuerHashes;

    private LocalCertificate(X509Certificate2 endEntity, IReadOnlyList<X509Certificate2> intermediates, SigningKey key)
    {
        EndEntity = endEntity;
        Intermediates = intermediates;
        Key = key;
        _chain = [endEntity, .. intermediates];
        _issuerHashes = [.. intermediates.Select(TrustPolicy.KeyHash)];
    }

    public X509Certificate2 EndEntity { get; }

    /// <summary>The intermediates in order, each issuing the one before it.</summary>
    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    public SigningKey Key { get; }

    /// <summary>Sign with RSASSA-PSS rather than PKCS#1 v1.5 under RFC 7427 (RSA keys only).</summary>
    public bool PreferPss { get; init; }

    /// <summary>The credential of <paramref name="chain"/> (end entity first) and <paramref name="key"/>;
    /// <see cref="ArgumentException"/> when the key is not the end entity's (the operator swapped files).</summary>
    public static LocalCertificate Create(IReadOnlyList<X509Certificate2> chain, SigningKey key, bool preferPss = false)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(key);
        if (chain.Count == 0)
        {
            throw new ArgumentException("expected at least the end-entity certificate", nameof(chain));
        }

        byte[] certificateKey = SubjectPublicKeyInfo.KeyBits(chain[0].PublicKey.ExportSubjectPublicKeyInfo());
        if (!CryptographicOperations.FixedTimeEquals(certificateKey, key.PublicKeyBits()))
        {
            throw new ArgumentException($"the private key ({key.Kind}) is not the key of certificate '{ChainValidator.Name(chain[0])}'", nameof(key));
        }

        return new LocalCertificate(chain[0], [.. chain.Skip(1)], key) { PreferPss = preferPss };
    }

    /// <summary>Every certificate of a PEM text, in order; <see cref="FormatException"/> when there is none or one
    /// does not parse.</summary>
    public static IReadOnlyList<X509Certificate2> ReadPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var result = new List<X509Certificate2>();
        ReadOnlySpan<char> rest = pem;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            if (rest[fields.Label] is "CERTIFICATE")
            {
                try
                {
                    result.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString())));
                }
                catch (CryptographicException e)
                {
                    throw new FormatException($"certificate {result.Count + 1} of the file is not a valid X.509 certificate: {e.Message}", e);
                }
            }

            rest = rest[fields.Location.End..];
        }

        return result.Count > 0 ? result : throw new FormatException("expected PEM certificates (-----BEGIN CERTIFICATE-----), found none");
    }

    /// <summary>The certificates to send (RFC 7296 §3.6: the end entity first), given the SHA-1 key hashes of the
    /// CAs the peer's CERTREQ named (§3.7): the chain up to the first certificate issued by a named CA, or all of it
    /// when none is named or ours.</summary>
    public IReadOnlyList<X509Certificate2> ChainFor(IReadOnlyList<ReadOnlyMemory<byte>> requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (requested.Count == 0)
        {
            return _chain;
        }

        for (int i = 0; i < _issuerHashes.Length; i++)
        {
            byte[] issuerHash = _issuerHashes[i];
            if (requested.Any(r => r.Span.SequenceEqual(issuerHash)))
            {
                return _chain[..(i + 1)];
            }
        }

        return _chain;
    }

    public void Dispose()
    {
        Key.Dispose();
        EndEntity.Dispose();
        foreach (X509Certificate2 c in Intermediates)
        {
            c.Dispose();
        }
    }
}
