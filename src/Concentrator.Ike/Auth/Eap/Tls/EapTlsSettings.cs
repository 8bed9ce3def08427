using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Tls;

namespace Concentrator.Ike.Auth.Eap.Tls;

/// <summary>How the gateway runs EAP-TLS (RFC 5216) for one connection: the certificate it presents
/// (<c>local.certs/key</c>), what peers' certificates must chain to (<c>remote.cacerts/crls/eku</c>, the same
/// <see cref="TrustPolicy"/> as IKE certificates), the fragment size and the largest TLS message accepted.</summary>
public sealed record EapTlsSettings(LocalCertificate Credential, TrustPolicy Trust, TimeProvider Time)
{
    /// <summary>strongSwan's default (<c>charon.plugins.eap-tls.fragment_size</c>).</summary>
    public const int DefaultFragmentSize = 1024;

    /// <summary>strongSwan's default (<c>charon.plugins.eap-tls.max_message_count</c> bounds rounds; 64 KiB bounds the
    /// octets of one TLS flight here, far above a certificate chain of the configured length).</summary>
    public const int DefaultMaxMessageSize = 65536;

    /// <summary>TLS octets per EAP-TLS fragment (RFC 5216 §2.1.5).</summary>
    public int FragmentSize { get; init; } = DefaultFragmentSize;

    /// <summary>The largest TLS message (one flight) accepted from a peer, in octets.</summary>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    public TlsVersion MinVersion { get; init; } = TlsVersion.Tls12;

    public TlsVersion MaxVersion { get; init; } = TlsVersion.Tls13;

    /// <summary>The TLS server of one conversation (BouncyCastle's by default; tests may put another behind it).</summary>
    public Func<TlsOptions, ITlsEndpoint> CreateEndpoint { get; init; } = BcTlsEndpoint.Server;
}
