using Concentrator.Ike.Crypto.Signature;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Utilities;

namespace Concentrator.Ike.Crypto.Tls;

/// <summary>The EAP key material of a completed TLS handshake, and the versions and suites both endpoints share.</summary>
internal static class EapTlsKeys
{
    /// <summary>RFC 5216 §2.3 and RFC 9190 §2.3: 128 octets of Key_Material, the MSK its first 64.</summary>
    private const int KeyMaterialLength = 128;

    public const int MskLength = 64;

    /// <summary>The MSK; called from NotifyHandshakeComplete, while the master and exporter secrets are still held.</summary>
    public static byte[] Msk(TlsContext context)
    {
        SecurityParameters sp = context.SecurityParameters;
        byte[] material;
        if (TlsUtilities.IsTlsV13(sp.NegotiatedVersion))
        {
            // RFC 9190 §2.3: Key_Material = TLS-Exporter("EXPORTER_EAP_TLS_Key_Material", Type-Code, 128), Type-Code
            // 0x0D (EAP-TLS) as the context value.
            material = context.ExportKeyingMaterial("EXPORTER_EAP_TLS_Key_Material", [0x0D], KeyMaterialLength);
        }
        else
        {
            // RFC 5216 §2.3: Key_Material = TLS-PRF-128(master_secret, "client EAP encryption", client.random ||
            // server.random). This is RFC 5705's exporter without context, computed here because BouncyCastle's
            // exporter refuses sessions without extended_master_secret (RFC 7627), which EAP-TLS peers need not send.
            byte[] seed = Arrays.Concatenate(sp.ClientRandom, sp.ServerRandom);
            material = TlsUtilities.Prf(sp, sp.MasterSecret, "client EAP encryption", seed, KeyMaterialLength).Extract();
        }

        byte[] msk = material.AsSpan(0, MskLength).ToArray();
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(material);
        return msk;
    }

    public static ProtocolVersion[] Versions(TlsOptions options)
    {
        ProtocolVersion max = options.MaxVersion == TlsVersion.Tls13 ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12;
        ProtocolVersion min = options.MinVersion == TlsVersion.Tls13 ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12;
        return max.DownTo(min);
    }

    public static string Name(ProtocolVersion? version) =>
        version is null ? "TLS (not negotiated)" : TlsUtilities.IsTlsV13(version) ? "TLS 1.3" : version.Equals(ProtocolVersion.TLSv12) ? "TLS 1.2" : version.ToString();

    /// <summary>AEAD suites first; CBC-SHA256/384 for older peers. A server offers the TLS 1.2 suites its key signs
    /// (ECDSA and Ed25519 keys sign ECDHE_ECDSA suites, RFC 8422 §2); a client (<paramref name="serverKey"/> null)
    /// offers both kinds, the server's key decides.</summary>
    public static int[] CipherSuites(SignatureKeyKind? serverKey) =>
    [
        CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        .. serverKey is null or not SignatureKeyKind.Rsa ? Ecdsa : [],
        .. serverKey is null or SignatureKeyKind.Rsa ? Rsa : [],
    ];

    private static readonly int[] Ecdsa =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    ];

    private static readonly int[] Rsa =
    [
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    ];

    public static IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> Chain(Certificate? certificate)
    {
        if (certificate is null || certificate.IsEmpty)
        {
            return [];
        }

        var chain = new List<System.Security.Cryptography.X509Certificates.X509Certificate2>();
        foreach (Org.BouncyCastle.Tls.Crypto.TlsCertificate c in certificate.GetCertificateList())
        {
            chain.Add(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(c.GetEncoded()));
        }

        return chain;
    }
}
