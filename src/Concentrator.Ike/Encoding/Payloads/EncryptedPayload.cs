namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>
/// Encrypted payload, SK (RFC 7296 §3.14). A received one holds its sealed body until
/// <see cref="IkeMessage.TryDecrypt"/> opens it and fills <see cref="Inner"/>; one built for sending holds the
/// inner payloads, sealed by <see cref="IkeMessage.EncodeEncrypted"/>.
/// </summary>
public sealed class EncryptedPayload : Payload
{
    /// <summary>An SK payload to be sealed around <paramref name="inner"/>.</summary>
    public EncryptedPayload(IEnumerable<Payload> inner)
    {
        Inner = new List<Payload>(inner);
        FirstInnerPayload = PayloadChain.FirstType(Inner);
    }

    private EncryptedPayload(PayloadType firstInner, ReadOnlyMemory<byte> sealedBody)
    {
        FirstInnerPayload = firstInner;
        SealedBody = sealedBody;
    }

    public override PayloadType Type => PayloadType.Encrypted;

    /// <summary>RFC 7296 §3.14: the SK header's Next Payload is the type of the first embedded payload.</summary>
    public PayloadType FirstInnerPayload { get; private set; }

    /// <summary>IV ‖ ciphertext ‖ ICV as received (see <see cref="Crypto.ISkCipher"/>).</summary>
    public ReadOnlyMemory<byte> SealedBody { get; internal set; }

    /// <summary>The decrypted (or to-be-encrypted) inner payloads; null until decrypted.</summary>
    public List<Payload>? Inner { get; internal set; }

    internal override PayloadType? OwnNextPayload =>
        Inner is not null && SealedBody.IsEmpty ? PayloadChain.FirstType(Inner) : FirstInnerPayload;

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                     Initialization Vector                     |
    // |         (length is block size for encryption algorithm)       |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // ~                    Encrypted IKE Payloads                     ~
    // +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |               |             Padding (0-255 octets)            |
    // +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
    // |                                               |  Pad Length   |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // ~                    Integrity Checksum Data                    ~
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static EncryptedPayload Parse(PayloadType nextPayload, ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        ReadOnlyMemory<byte> sealedBody = reader.ReadRemaining(); // IV, ciphertext and ICV: only the cipher knows their sizes.
        reader.ReadEnd();
        return new EncryptedPayload(nextPayload, sealedBody);
    }

    /// <summary>Writes the sealed body of a received payload. Payloads built for sending are written by
    /// <see cref="IkeMessage.EncodeEncrypted"/>, which seals them.</summary>
    public override void WriteBody(ref IkeWriter writer)
    {
        if (SealedBody.IsEmpty && Inner is not null)
        {
            ThrowHelper.ThrowInvalidOperation("an Encrypted payload to be sealed needs IkeMessage.EncodeEncrypted");
        }

        writer.WriteBytes(SealedBody.Span);
    }
}
