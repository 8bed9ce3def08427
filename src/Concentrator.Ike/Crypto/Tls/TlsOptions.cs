using Concentrator.Ike.Auth.Certificates;

namespace Concentrator.Ike.Crypto.Tls;

/// <summary>What a TLS endpoint of EAP-TLS needs: its certificate and key (both sides authenticate, RFC 5216 §2.1),
/// the check of the peer's chain, and the versions it speaks.</summary>
/// <param name="Credential">Our chain (end entity first) and private key.</param>
/// <param name="CheckPeer">Judges the peer's chain; the TLS layer itself verifies only the proof of possession.</param>
public sealed record TlsOptions(LocalCertificate Credential, TlsPeerCheck CheckPeer)
{
    public TlsVersion MinVersion { get; init; } = TlsVersion.Tls12;

    public TlsVersion MaxVersion { get; init; } = TlsVersion.Tls13;
}
