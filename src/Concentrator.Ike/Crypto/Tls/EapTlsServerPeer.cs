using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Crypto.Signature;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using CertificateRequest = Org.BouncyCastle.Tls.CertificateRequest;

namespace Concentrator.Ike.Crypto.Tls;

/// <summary>BouncyCastle's TLS server callbacks for EAP-TLS: our certificate, a certificate request (RFC 5216 §2.1:
/// the peer authenticates with a certificate), the peer's chain judged by <see cref="TlsOptions.CheckPeer"/>, and the
/// MSK when the handshake completes.</summary>
internal sealed class EapTlsServerPeer(TlsCrypto crypto, TlsOptions options) : AbstractTlsServer(crypto), IEapTlsPeer
{
    public byte[]? Msk { get; private set; }

    public string? Refusal { get; private set; }

    public IReadOnlyList<X509Certificate2> PeerChain { get; private set; } = [];

    public TlsContext Context => m_context;

    protected override ProtocolVersion[] GetSupportedVersions() => EapTlsKeys.Versions(options);

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, EapTlsKeys.CipherSuites(options.Credential.Key.Kind));

    public override TlsCredentials GetCredentials()
    {
        bool tls13 = TlsUtilities.IsTlsV13(m_context.ServerVersion);
        return SigningKeyTlsSigner.For(Crypto, options.Credential, tls13, null, m_context.SecurityParameters.ClientSigAlgs)
            ?? throw Refuse(AlertDescription.handshake_failure, $"the peer offers no signature algorithm for our {options.Credential.Key.Kind} key");
    }

    public override CertificateRequest GetCertificateRequest()
    {
        IList<SignatureAndHashAlgorithm> algorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        // RFC 5216 §2.1: the server requests the peer's certificate; §5.4 the peer MUST be authenticated.
        return TlsUtilities.IsTlsV13(m_context.ServerVersion)
            ? new CertificateRequest([], algorithms, null, null)
            : new CertificateRequest([ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign], algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        PeerChain = EapTlsKeys.Chain(clientCertificate);
        if (PeerChain.Count == 0)
        {
            // RFC 8446 §4.4.2.4 names the alert for a missing certificate the server required.
            throw Refuse(TlsUtilities.IsTlsV13(m_context.ServerVersion) ? AlertDescription.certificate_required : AlertDescription.handshake_failure,
                "the peer sent no certificate");
        }

        if (options.CheckPeer(PeerChain) is { } why)
        {
            throw Refuse(AlertDescription.bad_certificate, why);
        }
    }

    /// <summary>strongSwan's libtls sends no renegotiation_info (RFC 5746); BouncyCastle refuses such peers by default.
    /// EAP-TLS never renegotiates (and BouncyCastle refuses renegotiation), so the attack RFC 5746 closes has no door.</summary>
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Msk = EapTlsKeys.Msk(m_context);
    }

    private TlsFatalAlert Refuse(short alert, string why)
    {
        Refusal ??= why;
        return new TlsFatalAlert(alert, why);
    }
}

/// <summary>What both endpoints' callbacks learn.</summary>
internal interface IEapTlsPeer
{
    byte[]? Msk { get; }

    string? Refusal { get; }

    IReadOnlyList<X509Certificate2> PeerChain { get; }

    TlsContext Context { get; }
}
