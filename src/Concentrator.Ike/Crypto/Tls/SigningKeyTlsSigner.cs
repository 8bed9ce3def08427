using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using IkeScheme = Concentrator.Ike.Crypto.Signature.SignatureScheme;
using TlsScheme = Org.BouncyCastle.Tls.SignatureScheme;

namespace Concentrator.Ike.Crypto.Tls;

/// <summary>
/// Signs TLS handshake messages (ServerKeyExchange, CertificateVerify) with our <see cref="SigningKey"/>: RSA and
/// ECDSA through the BCL, not BouncyCastle (the design card: never sign RSA with BouncyCastle). BouncyCastle's TLS
/// streams the signed octets into <see cref="GetStreamSigner"/>; the key signs them whole.
/// </summary>
internal sealed class SigningKeyTlsSigner : TlsCredentialedSigner
{
    private readonly SigningKey _key;
    private readonly IkeScheme _scheme;

    private SigningKeyTlsSigner(Certificate certificate, SigningKey key, SignatureAndHashAlgorithm algorithm, IkeScheme scheme)
    {
        Certificate = certificate;
        _key = key;
        SignatureAndHashAlgorithm = algorithm;
        _scheme = scheme;
    }

    public Certificate Certificate { get; }

    public SignatureAndHashAlgorithm SignatureAndHashAlgorithm { get; }

    /// <summary>A signer for <paramref name="credential"/> with the first algorithm of ours the peer offered
    /// (<paramref name="offered"/> null: TLS 1.2's default for the key, RFC 5246 §7.4.1.4.1); null when none fits.</summary>
    public static SigningKeyTlsSigner? For(TlsCrypto crypto, LocalCertificate credential, bool tls13, byte[]? requestContext,
        IList<SignatureAndHashAlgorithm>? offered)
    {
        foreach ((int tlsScheme, IkeScheme scheme) in Candidates(credential.Key.Kind, tls13))
        {
            SignatureAndHashAlgorithm algorithm = TlsScheme.GetSignatureAndHashAlgorithm(tlsScheme);
            if (offered is null ? !tls13 : offered.Contains(algorithm))
            {
                return new SigningKeyTlsSigner(Chain(crypto, credential, tls13, requestContext), credential.Key, algorithm, scheme);
            }
        }

        return null;
    }

    public byte[] GenerateRawSignature(byte[] hash) =>
        throw new NotSupportedException("signs the handshake octets through the stream signer only");

    public TlsStreamSigner GetStreamSigner() => new Buffered(_key, _scheme);

    private static Certificate Chain(TlsCrypto crypto, LocalCertificate credential, bool tls13, byte[]? requestContext)
    {
        TlsCertificate[] list = [.. new[] { credential.EndEntity }.Concat(credential.Intermediates).Select(c => crypto.CreateCertificate(c.RawData))];
        // RFC 8446 §4.4.2: TLS 1.3 carries a certificate_request_context (empty for the server) and per-entry extensions.
        return tls13
            ? new Certificate(requestContext ?? [], [.. list.Select(c => new CertificateEntry(c, null))])
            : new Certificate(list);
    }

    /// <summary>Ours, in order of preference. RFC 8446 §4.2.3: TLS 1.3 signs RSA with PSS only, and an ECDSA scheme
    /// names its curve; TLS 1.2 pairs any curve with any hash.</summary>
    private static IEnumerable<(int, IkeScheme)> Candidates(SignatureKeyKind kind, bool tls13) => kind switch
    {
        SignatureKeyKind.Rsa when tls13 => [(TlsScheme.rsa_pss_rsae_sha256, IkeScheme.RsaPssSha256), (TlsScheme.rsa_pss_rsae_sha384, IkeScheme.RsaPssSha384),
            (TlsScheme.rsa_pss_rsae_sha512, IkeScheme.RsaPssSha512)],
        SignatureKeyKind.Rsa => [(TlsScheme.rsa_pkcs1_sha256, IkeScheme.RsaPkcs1Sha256), (TlsScheme.rsa_pss_rsae_sha256, IkeScheme.RsaPssSha256),
            (TlsScheme.rsa_pkcs1_sha384, IkeScheme.RsaPkcs1Sha384), (TlsScheme.rsa_pkcs1_sha512, IkeScheme.RsaPkcs1Sha512)],
        SignatureKeyKind.EcdsaP256 => [(TlsScheme.ecdsa_secp256r1_sha256, IkeScheme.EcdsaSha256)],
        SignatureKeyKind.EcdsaP384 => [(TlsScheme.ecdsa_secp384r1_sha384, IkeScheme.EcdsaSha384)],
        SignatureKeyKind.EcdsaP521 => [(TlsScheme.ecdsa_secp521r1_sha512, IkeScheme.EcdsaSha512)],
        _ => [(TlsScheme.ed25519, IkeScheme.Ed25519)],
    };

    /// <summary>Collects the octets to sign; TLS signs one handshake transcript at a time, a few kilobytes.</summary>
    #pragma warning disable CA1001 // The buffer is a MemoryStream (nothing native), disposed by BouncyCastle after writing.
    private sealed class Buffered(SigningKey key, IkeScheme scheme) : TlsStreamSigner
#pragma warning restore CA1001
    {
        private readonly MemoryStream _octets = new();

        public Stream Stream => _octets;

        // BouncyCastle disposes the stream once the octets are in; ToArray still works then.
        public byte[] GetSignature() => key.Sign(scheme, _octets.ToArray());
    }
}
