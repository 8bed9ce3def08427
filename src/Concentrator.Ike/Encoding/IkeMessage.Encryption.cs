using System.Buffers;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Encoding;

/// <summary>Opening and sealing the Encrypted (SK, RFC 7296 §3.14) and Encrypted Fragment (SKF, RFC 7383 §2.5)
/// payloads. The associated data handed to <see cref="ISkCipher"/> is every octet of the message before the IV:
/// the IKE header and the SK/SKF payload header, with final lengths.</summary>
public sealed partial class IkeMessage
{
    /// <summary>
    /// Opens the SK or SKF payload of a parsed message. For SK the inner payloads are parsed into
    /// <see cref="EncryptedPayload.Inner"/> (the first one's type is the SK header's Next Payload); for SKF the
    /// plaintext piece is kept in <see cref="EncryptedFragmentPayload.Plaintext"/> for
    /// <see cref="FragmentReassembler"/>. Returns false when the ICV does not verify: RFC 7296 §2.21.2 says such a
    /// message is discarded without an answer. Malformed inner payloads throw <see cref="IkeProtocolException"/>.
    /// </summary>
    public bool TryDecrypt(ISkCipher cipher)
    {
        if (Raw.IsEmpty)
        {
            ThrowHelper.ThrowInvalidOperation("only a parsed message can be decrypted");
        }

        if (_encryptedOffset < 0)
        {
            ThrowHelper.ThrowInvalidSyntax($"{ExchangeType} message without an Encrypted payload");
        }

        switch (Payloads[^1])
        {
            case EncryptedPayload sk:
            {
                ReadOnlySpan<byte> associatedData = Raw.Span.Slice(0, _encryptedOffset + IkeConstants.GenericPayloadHeaderLength);
                byte[] plaintext = new byte[sk.SealedBody.Length];
                int length = cipher.Open(associatedData, sk.SealedBody.Span, plaintext);
                if (length < 0)
                {
                    return false;
                }

                sk.Inner = PayloadChain.Parse(plaintext.AsMemory(0, length), sk.FirstInnerPayload, allowEncrypted: false, out _);
                return true;
            }

            case EncryptedFragmentPayload skf:
            {
                ReadOnlySpan<byte> associatedData = Raw.Span.Slice(0, _encryptedOffset + IkeConstants.FragmentPayloadHeaderLength);
                byte[] plaintext = new byte[skf.SealedBody.Length];
                int length = cipher.Open(associatedData, skf.SealedBody.Span, plaintext);
                if (length < 0)
                {
                    return false;
                }

                skf.Plaintext = plaintext.AsMemory(0, length);
                return true;
            }

            default:
                return ThrowHelper.ThrowInvalidOperation<bool>("unreachable: encrypted offset without an encrypted payload");
        }
    }

    /// <summary>
    /// Writes the message with its last payload, an <see cref="EncryptedPayload"/> built from inner payloads,
    /// sealed by <paramref name="cipher"/>. Returns the length written.
    /// </summary>
    public int EncodeEncrypted(ISkCipher cipher, Span<byte> destination)
    {
        EncryptedPayload sk = Payloads.Count > 0 && Payloads[^1] is EncryptedPayload { Inner: { } } last
            ? last
            : ThrowHelper.ThrowInvalidOperation<EncryptedPayload>("the last payload must be an EncryptedPayload with inner payloads");

        byte[] scratch = ArrayPool<byte>.Shared.Rent(CodecLimits.MaxMessageLength);
        try
        {
            var inner = new IkeWriter(scratch);
            PayloadChain.Write(ref inner, sk.Inner!);
            ReadOnlySpan<byte> plaintext = inner.Written;

            var writer = new IkeWriter(destination);
            Header.WriteWithoutLength(ref writer);
            int lengthField = writer.Position;
            writer.WriteUInt32(0);
            for (int i = 0; i < Payloads.Count - 1; i++)
            {
                PayloadChain.WriteOne(ref writer, Payloads[i], Payloads[i + 1].Type);
            }

            int sealedLength = cipher.SealedLength(plaintext.Length);
            int skStart = writer.Position;
            writer.WriteByte((byte)PayloadChain.FirstType(sk.Inner!));
            writer.WriteByte(sk.HeaderFlags);
            writer.WriteUInt16(checked((ushort)(IkeConstants.GenericPayloadHeaderLength + sealedLength)));
            int total = writer.Position + sealedLength;
            writer.PatchUInt32(lengthField, total);
            Span<byte> body = writer.Advance(sealedLength);
            cipher.Seal(destination.Slice(0, skStart + IkeConstants.GenericPayloadHeaderLength), plaintext, body);
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>As <see cref="EncodeEncrypted(ISkCipher, Span{byte})"/>, into a new array.</summary>
    public byte[] ToEncryptedArray(ISkCipher cipher)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(CodecLimits.MaxMessageLength);
        try
        {
            int length = EncodeEncrypted(cipher, scratch);
            return scratch.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Splits the inner payloads of the message's <see cref="EncryptedPayload"/> into SKF fragments (RFC 7383 §2.5),
    /// each a whole datagram of at most <paramref name="maxDatagramLength"/> octets with the same header fields.
    /// Only the first fragment names the first inner payload; the others carry Next Payload zero.
    /// </summary>
    public List<byte[]> EncodeFragments(ISkCipher cipher, int maxDatagramLength)
    {
        EncryptedPayload sk = Payloads.Count == 1 && Payloads[0] is EncryptedPayload { Inner: { } } only
            ? only
            : ThrowHelper.ThrowInvalidOperation<EncryptedPayload>("fragmentation needs a message whose only payload is an EncryptedPayload with inner payloads");

        const int overhead = IkeConstants.HeaderLength + IkeConstants.FragmentPayloadHeaderLength;
        byte[] scratch = ArrayPool<byte>.Shared.Rent(CodecLimits.MaxMessageLength);
        try
        {
            var inner = new IkeWriter(scratch);
            PayloadChain.Write(ref inner, sk.Inner!);
            int plaintextLength = inner.Position;

            int chunk = maxDatagramLength - overhead;
            while (chunk > 0 && overhead + cipher.SealedLength(chunk) > maxDatagramLength)
            {
                chunk--;
            }

            if (chunk <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxDatagramLength), "too small to carry any fragment");
            }

            int total = Math.Max(1, (plaintextLength + chunk - 1) / chunk);
            if (total > CodecLimits.MaxFragments)
            {
                ThrowHelper.ThrowInvalidOperation($"message needs {total} fragments, more than {CodecLimits.MaxFragments}");
            }

            var fragments = new List<byte[]>(total);
            IkeHeader header = Header with { NextPayload = PayloadType.EncryptedFragment };
            for (int number = 1; number <= total; number++)
            {
                int offset = (number - 1) * chunk;
                ReadOnlySpan<byte> piece = scratch.AsSpan(offset, Math.Min(chunk, plaintextLength - offset));
                int sealedLength = cipher.SealedLength(piece.Length);
                var datagram = new byte[overhead + sealedLength];
                var writer = new IkeWriter(datagram);
                header.WriteWithoutLength(ref writer);
                writer.WriteUInt32((uint)datagram.Length);

                // RFC 7383 §2.5: Next Payload is the first inner payload's type in fragment 1, zero in the others.
                writer.WriteByte(number == 1 ? (byte)PayloadChain.FirstType(sk.Inner!) : (byte)0);
                writer.WriteByte(sk.HeaderFlags);
                writer.WriteUInt16((ushort)(IkeConstants.FragmentPayloadHeaderLength + sealedLength));
                writer.WriteUInt16((ushort)number);
                writer.WriteUInt16((ushort)total);
                cipher.Seal(datagram.AsSpan(0, overhead), piece, writer.Advance(sealedLength));
                fragments.Add(datagram);
            }

            return fragments;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
