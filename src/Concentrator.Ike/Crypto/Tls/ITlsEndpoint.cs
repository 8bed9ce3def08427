using System.Security.Cryptography.X509Certificates;

namespace Concentrator.Ike.Crypto.Tls;

/// <summary>
/// One side of a TLS handshake driven by octets rather than a socket (what EAP-TLS carries, RFC 5216): the peer's
/// records go in through <see cref="Offer"/>, ours come out of <see cref="TakeOutput"/>. When the handshake is done,
/// <see cref="Msk"/> holds the EAP key material the TLS exporter derived (RFC 5216 §2.3, RFC 9190 §2.3). Never throws
/// for what the peer sent: a refusal is <see cref="Failure"/> (and, when TLS has one, an alert in the output).
/// </summary>
public interface ITlsEndpoint
{
    /// <summary>Feeds records from the peer; false when TLS refused them (see <see cref="Failure"/>).</summary>
    bool Offer(ReadOnlySpan<byte> records);

    /// <summary>Records for the peer produced since the last call (empty when there are none).</summary>
    byte[] TakeOutput();

    /// <summary>The handshake completed (for a client of TLS 1.3 inside EAP-TLS: and the server's commitment
    /// message arrived, RFC 9190 §2.1.1) and <see cref="Msk"/> is known.</summary>
    bool IsEstablished { get; }

    /// <summary>Why the handshake failed, or null.</summary>
    string? Failure { get; }

    /// <summary>The Master Session Key (64 octets), once established.</summary>
    byte[]? Msk { get; }

    /// <summary>The negotiated protocol version ("TLS 1.2", "TLS 1.3"), once known.</summary>
    string? Version { get; }

    /// <summary>The peer's certificate chain as it sent it (end entity first), once received.</summary>
    IReadOnlyList<X509Certificate2> PeerChain { get; }
}

/// <summary>A check of the peer's chain (end entity first): null accepts it, otherwise why it is refused.</summary>
public delegate string? TlsPeerCheck(IReadOnlyList<X509Certificate2> chain);

/// <summary>The TLS versions an endpoint speaks.</summary>
public enum TlsVersion
{
    Tls12 = 12,
    Tls13 = 13,
}
