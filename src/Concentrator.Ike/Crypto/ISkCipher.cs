namespace Concentrator.Ike.Crypto;

/// <summary>
/// The protection of one direction of an IKE SA's Encrypted (SK, RFC 7296 §3.14) and Encrypted Fragment
/// (SKF, RFC 7383 §2.5) payloads, for AEAD (RFC 5282) and for CBC + HMAC alike.
/// <para>The codec owns the layout of the message; this owns only the body of the payload after its generic
/// header: <c>IV ‖ encrypt(inner payloads ‖ padding ‖ pad length) ‖ ICV</c>.</para>
/// <para><c>associatedData</c> is every octet of the message before the IV, with the final lengths already
/// written: the IKE header and the SK/SKF payload header (for SKF including Fragment Number and Total
/// Fragments). For AEAD it is the AAD (RFC 5282 §5.1); for CBC + HMAC the checksum covers it followed by the
/// IV and ciphertext (RFC 7296 §3.14).</para>
/// </summary>
public interface ISkCipher : IDisposable
{
    /// <summary>The length of the sealed body for <paramref name="plaintextLength"/> octets of inner payloads.</summary>
    int SealedLength(int plaintextLength);

    /// <summary>Writes the sealed body into <paramref name="destination"/> (exactly
    /// <see cref="SealedLength"/> octets) and returns that length.</summary>
    int Seal(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination);

    /// <summary>Checks and decrypts a sealed body. Returns the length of the inner payloads written to
    /// <paramref name="plaintext"/> (padding and pad length removed), or -1 when the ICV does not verify
    /// (the message is then discarded silently, RFC 7296 §2.21.2). A body too short to hold IV and ICV or
    /// with a pad length larger than the plaintext throws <see cref="IkeProtocolException"/>.</summary>
    int Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedBody, Span<byte> plaintext);
}
