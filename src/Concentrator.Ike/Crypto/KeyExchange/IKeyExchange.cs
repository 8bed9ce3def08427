namespace Concentrator.Ike.Crypto;

/// <summary>
/// One ephemeral key exchange (transform type 4): our key pair for one KE payload, and the agreement with the
/// peer's KE data. Create with <see cref="KeyExchange.Create"/>; dispose when the shared secret is derived.
/// <para>Invalid peer KE data (wrong length, MODP value outside 1 &lt; y &lt; p-1, ECP point not on the curve,
/// an all-zero X25519/X448 result) throws <see cref="IkeProtocolException"/> with
/// <see cref="NotifyType.InvalidSyntax"/>. RFC 6989 requires such a value to be rejected but names no Notify
/// type. INVALID_KE_PAYLOAD (RFC 7296 §1.3, §3.4) means "you used a group I did not select, retry with this
/// one", which would invite a retry of the same bad value; INVALID_SYNTAX (RFC 7296 §3.10.1) is the error for
/// a malformed message and ends the exchange. The caller decides whether to answer or drop silently.</para>
/// </summary>
public interface IKeyExchange : IDisposable
{
    KeyExchangeId Id { get; }

    /// <summary>Our Key Exchange Data as it goes into the KE payload (RFC 7296 §3.4): MODP g^x padded to the
    /// length of p, ECP x ‖ y (RFC 5903 §7), X25519/X448 the u-coordinate (RFC 8031 §2).</summary>
    ReadOnlySpan<byte> PublicKey { get; }

    /// <summary>Validates the peer's Key Exchange Data and returns g^ir (RFC 7296 §2.14): MODP padded to the
    /// length of p, ECP the x coordinate only (RFC 5903 §7), X25519/X448 the 32/56-octet result (RFC 8031 §2).
    /// The caller owns the array and should zero it after use.</summary>
    byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey);
}

/// <summary>A key exchange method: what a proposal needs to know without creating keys.</summary>
public interface IKeyExchangeMethod
{
    KeyExchangeId Id { get; }

    /// <summary>Exact length of the Key Exchange Data of this group.</summary>
    int PublicKeyLength { get; }

    /// <summary>Length of the shared secret g^ir.</summary>
    int SharedSecretLength { get; }

    /// <summary>A fresh ephemeral key pair.</summary>
    IKeyExchange Create();
}

/// <summary>Shortcut to <see cref="TransformRegistry.KeyExchange(KeyExchangeId)"/>.</summary>
public static class KeyExchange
{
    /// <summary>A fresh key pair for the IANA group <paramref name="groupId"/>; throws
    /// <see cref="NotSupportedException"/> for a group this implementation does not offer.</summary>
    public static IKeyExchange Create(ushort groupId) => TransformRegistry.KeyExchange((KeyExchangeId)groupId).Create();

    /// <summary>Checks the peer's KE data length up front (before any arithmetic).</summary>
    internal static void RequireLength(KeyExchangeId id, int expected, ReadOnlySpan<byte> peer)
    {
        // RFC 6989 §2 / RFC 5903 §7 / RFC 8031 §2: the KE data of a group has exactly one valid length.
        if (peer.Length != expected)
            CryptoThrow.InvalidKeyExchange($"{id} Key Exchange Data must be {expected} octets, got {peer.Length}");
    }
}
