using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using CertificateRequest = Org.BouncyCastle.Tls.CertificateRequest;

namespace Concentrator.Ike.Crypto.Tls;

/// <summary>BouncyCastle's TLS client callbacks for EAP-TLS (the load generator's and the tests' peer): the server's
/// chain judged by <see cref="TlsOptions.CheckPeer"/>, our certificate for its request, the MSK at the end.</summary>
internal sealed class EapTlsClientPeer(TlsCrypto crypto, TlsOptions options) : DefaultTlsClient(crypto), IEapTlsPeer
{
    public byte[]? Msk { get; private set; }

    public string? Refusal { get; private set; }

    public IReadOnlyList<X509Certificate2> PeerChain { get; private set; } = [];

    public TlsContext Context => m_context;

    private TlsOptions Options => options;

    protected override ProtocolVersion[] GetSupportedVersions() => EapTlsKeys.Versions(options);

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, EapTlsKeys.CipherSuites(null));

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

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

    private sealed class Authentication(EapTlsClientPeer peer) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            peer.PeerChain = EapTlsKeys.Chain(serverCertificate.Certificate);
            string? why = peer.PeerChain.Count == 0 ? "the server sent no certificate" : peer.Options.CheckPeer(peer.PeerChain);
            if (why is not null)
            {
                throw peer.Refuse(AlertDescription.bad_certificate, why);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            bool tls13 = TlsUtilities.IsTlsV13(peer.m_context.ServerVersion);
            return SigningKeyTlsSigner.For(peer.Crypto, peer.Options.Credential, tls13, certificateRequest.GetCertificateRequestContext(),
                certificateRequest.SupportedSignatureAlgorithms)
                ?? throw peer.Refuse(AlertDescription.handshake_failure, $"the server accepts no signature algorithm for our {peer.Options.Credential.Key.Kind} key");
        }
    }
}
