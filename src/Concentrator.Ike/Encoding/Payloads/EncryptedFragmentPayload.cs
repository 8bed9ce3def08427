namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>
/// Encrypted Fragment payload, SKF (RFC 7383 §2.5): one piece of an SK payload's inner payloads, each sealed on
/// its own. <see cref="FragmentReassembler"/> puts the pieces back together.
/// </summary>
public sealed class EncryptedFragmentPayload : Payload
{
    public EncryptedFragmentPayload(ushort fragmentNumber, ushort totalFragments, PayloadType firstInnerPayload, ReadOnlyMemory<byte> sealedBody)
    {
        FragmentNumber = fragmentNumber;
        TotalFragments = totalFragments;
        FirstInnerPayload = firstInnerPayload;
        SealedBody = sealedBody;
    }

    public override PayloadType Type => PayloadType.EncryptedFragment;

    /// <summary>RFC 7383 §2.5: numbered from 1.</summary>
    public ushort FragmentNumber { get; }

    public ushort TotalFragments { get; }

    /// <summary>RFC 7383 §2.5: in fragment 1 the type of the first inner payload; in the others it MUST be zero
    /// (kept as received).</summary>
    public PayloadType FirstInnerPayload { get; }

    public ReadOnlyMemory<byte> SealedBody { get; }

    /// <summary>The decrypted piece of the inner payload chain, once <see cref="IkeMessage.TryDecrypt"/> opened it.</summary>
    public ReadOnlyMemory<byte>? Plaintext { get; internal set; }

    internal override PayloadType? OwnNextPayload => FirstInnerPayload;

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |        Fragment Number        |        Total Fragments        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                     Initialization Vector                     |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // ~                      Encrypted content                        ~
    // +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |               |             Padding (0-255 octets)            |
    // +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
    // |                                               |  Pad Length   |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // ~                    Integrity Checksum Data                    ~
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static EncryptedFragmentPayload Parse(PayloadType nextPayload, ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        ushort number = reader.ReadUInt16();
        ushort total = reader.ReadUInt16();

        // RFC 7383 §2.5: fragments are numbered 1..Total Fragments; anything else cannot be reassembled.
        if (number == 0 || number > total)
        {
            ThrowHelper.ThrowInvalidSyntax($"fragment {number} of {total}");
        }

        ReadOnlyMemory<byte> sealedBody = reader.ReadRemaining();
        reader.ReadEnd();
        return new EncryptedFragmentPayload(number, total, nextPayload, sealedBody);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteUInt16(FragmentNumber);
        writer.WriteUInt16(TotalFragments);
        writer.WriteBytes(SealedBody.Span);
    }
}
