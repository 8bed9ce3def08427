using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Encoding;

/// <summary>Reads and writes a chain of payloads linked by their Next Payload fields (RFC 7296 §3.2).</summary>
public static class PayloadChain
{
    /// <summary>True for the types this codec parses; any other type is unknown (RFC 7296 §2.5).</summary>
    public static bool IsKnown(PayloadType type) =>
        type is >= PayloadType.SecurityAssociation and <= PayloadType.Eap or PayloadType.EncryptedFragment;

    /// <summary>
    /// Parses the payloads in <paramref name="data"/>, the first being of type <paramref name="first"/>.
    /// The chain must end (Next Payload 0, or an SK/SKF payload) exactly at the end of the data.
    /// </summary>
    /// <param name="data">The octets after the IKE header, or a decrypted SK body.</param>
    /// <param name="first">The type named by the IKE header or by the SK payload.</param>
    /// <param name="allowEncrypted">False inside a decrypted body: an SK payload cannot be nested.</param>
    /// <param name="encryptedOffset">Offset in <paramref name="data"/> of the SK/SKF payload's header, or -1.</param>
    public static List<Payload> Parse(ReadOnlyMemory<byte> data, PayloadType first, bool allowEncrypted, out int encryptedOffset)
    {
        var payloads = new List<Payload>(8);
        encryptedOffset = Parse(data, first, allowEncrypted, payloads);
        return payloads;
    }

    /// <summary>As <see cref="Parse(ReadOnlyMemory{byte}, PayloadType, bool, out int)"/>, appending to
    /// <paramref name="payloads"/>; returns the offset of the SK/SKF payload's header, or -1.</summary>
    public static int Parse(ReadOnlyMemory<byte> data, PayloadType first, bool allowEncrypted, List<Payload> payloads)
    {
        int start0 = payloads.Count;
        int encryptedOffset = -1;
        var reader = new IkeReader(data);
        PayloadType next = first;
        while (next != PayloadType.None)
        {
            if (payloads.Count - start0 == CodecLimits.MaxPayloads)
            {
                ThrowHelper.ThrowInvalidSyntax($"more than {CodecLimits.MaxPayloads} payloads");
            }

            int start = reader.Position;
            if (reader.Remaining < IkeConstants.GenericPayloadHeaderLength)
            {
                ThrowHelper.ThrowInvalidSyntax($"payload chain names a {next} payload but only {reader.Remaining} octets are left");
            }

            var nextPayload = (PayloadType)reader.ReadByte();
            byte flags = reader.ReadByte();
            ushort length = reader.ReadUInt16();
            if (length < IkeConstants.GenericPayloadHeaderLength)
            {
                ThrowHelper.ThrowInvalidSyntax($"payload length {length} is shorter than the generic header");
            }

            if (length - IkeConstants.GenericPayloadHeaderLength > reader.Remaining)
            {
                ThrowHelper.ThrowInvalidSyntax($"payload length {length} runs past the end of the message");
            }

            ReadOnlyMemory<byte> body = reader.ReadMemory(length - IkeConstants.GenericPayloadHeaderLength);
            Payload payload;
            if (!IsKnown(next))
            {
                // RFC 7296 §2.5: an unknown payload with the critical bit set MUST make the whole message rejected
                // with UNSUPPORTED_CRITICAL_PAYLOAD; with the bit clear it MUST be skipped.
                if ((flags & 0x80) != 0)
                {
                    ThrowHelper.ThrowUnsupportedCritical((byte)next);
                }

                payload = new UnknownPayload(next, body);
            }
            else
            {
                payload = ParseBody(next, nextPayload, body);
            }

            payload.Critical = (flags & 0x80) != 0;
            payload.HeaderReserved = (byte)(flags & 0x7F);
            payloads.Add(payload);

            if (next is PayloadType.Encrypted or PayloadType.EncryptedFragment)
            {
                if (!allowEncrypted)
                {
                    ThrowHelper.ThrowInvalidSyntax("an Encrypted payload inside an Encrypted payload");
                }

                // RFC 7296 §3.14: the Encrypted payload, if present, MUST be the last payload in the message;
                // its Next Payload names the first payload inside it.
                if (reader.Remaining != 0)
                {
                    ThrowHelper.ThrowInvalidSyntax("octets after the Encrypted payload");
                }

                encryptedOffset = start;
                break;
            }

            next = nextPayload;
        }

        // Octets after the last payload belong to no payload: the lengths disagree.
        reader.ReadEnd();
        return encryptedOffset;
    }

    private static Payload ParseBody(PayloadType type, PayloadType nextPayload, ReadOnlyMemory<byte> body) => type switch
    {
        PayloadType.SecurityAssociation => SaPayload.Parse(body),
        PayloadType.KeyExchange => KePayload.Parse(body),
        PayloadType.IdInitiator or PayloadType.IdResponder => IdPayload.Parse(type, body),
        PayloadType.Certificate => CertPayload.Parse(body),
        PayloadType.CertificateRequest => CertReqPayload.Parse(body),
        PayloadType.Authentication => AuthPayload.Parse(body),
        PayloadType.Nonce => NoncePayload.Parse(body),
        PayloadType.Notify => NotifyPayload.Parse(body),
        PayloadType.Delete => DeletePayload.Parse(body),
        PayloadType.VendorId => VendorIdPayload.Parse(body),
        PayloadType.TrafficSelectorInitiator or PayloadType.TrafficSelectorResponder => TrafficSelectorPayload.Parse(type, body),
        PayloadType.Encrypted => EncryptedPayload.Parse(nextPayload, body),
        PayloadType.Configuration => ConfigurationPayload.Parse(body),
        PayloadType.Eap => EapPayload.Parse(body),
        PayloadType.EncryptedFragment => EncryptedFragmentPayload.Parse(nextPayload, body),
        _ => new UnknownPayload(type, body),
    };

    /// <summary>Writes <paramref name="payloads"/> as a chain; each header names the next payload's type.</summary>
    public static void Write(ref IkeWriter writer, IReadOnlyList<Payload> payloads)
    {
        for (int i = 0; i < payloads.Count; i++)
        {
            Payload payload = payloads[i];
            PayloadType next = payload.OwnNextPayload
                ?? (i + 1 < payloads.Count ? payloads[i + 1].Type : PayloadType.None);
            WriteOne(ref writer, payload, next);
        }
    }

    /// <summary>Writes one payload with its generic header.</summary>
    public static void WriteOne(ref IkeWriter writer, Payload payload, PayloadType next)
    {
        int start = writer.Position;
        writer.WriteByte((byte)next);
        writer.WriteByte(payload.HeaderFlags);
        using (writer.BeginLength16(start))
        {
            payload.WriteBody(ref writer);
        }
    }

    /// <summary>The type the IKE header (or SK payload) names for the first payload of this chain.</summary>
    public static PayloadType FirstType(IReadOnlyList<Payload> payloads) =>
        payloads.Count == 0 ? PayloadType.None : payloads[0].Type;
}
