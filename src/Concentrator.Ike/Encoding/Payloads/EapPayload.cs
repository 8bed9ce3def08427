using System.Buffers.Binary;

namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>EAP payload (RFC 7296 §3.16): one EAP message (RFC 3748 §4), kept whole because EAP methods
/// read and write it as a unit.</summary>
public sealed class EapPayload : Payload
{
    public EapPayload(ReadOnlyMemory<byte> message) => Message = message;

    public override PayloadType Type => PayloadType.Eap;

    /// <summary>The EAP message: Code, Identifier, Length, then Type and Type_Data for requests and responses.</summary>
    public ReadOnlyMemory<byte> Message { get; }

    public EapCode Code => (EapCode)Message.Span[0];

    public byte Identifier => Message.Span[1];

    /// <summary>The EAP method type of a request or response, 0 for Success/Failure.</summary>
    public byte EapType => Message.Length > 4 ? Message.Span[4] : (byte)0;

    public ReadOnlyMemory<byte> TypeData => Message.Length > 5 ? Message.Slice(5) : ReadOnlyMemory<byte>.Empty;

    /// <summary>Builds an EAP message.</summary>
    public static EapPayload Create(EapCode code, byte identifier, byte eapType = 0, ReadOnlySpan<byte> typeData = default)
    {
        bool hasType = code is EapCode.Request or EapCode.Response;
        var message = new byte[4 + (hasType ? 1 + typeData.Length : 0)];
        message[0] = (byte)code;
        message[1] = identifier;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), checked((ushort)message.Length));
        if (hasType)
        {
            message[4] = eapType;
            typeData.CopyTo(message.AsSpan(5));
        }

        return new EapPayload(message);
    }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |     Code      | Identifier    |           Length              |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |     Type      | Type_Data...
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static EapPayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var code = (EapCode)reader.ReadByte();
        reader.ReadByte(); // Identifier
        ushort length = reader.ReadUInt16();

        // RFC 3748 §4: the EAP Length counts Code through Data; inside IKE it must fill the payload exactly.
        if (length != body.Length)
        {
            ThrowHelper.ThrowInvalidSyntax($"EAP length {length} in a {body.Length}-octet EAP payload");
        }

        if (code is EapCode.Request or EapCode.Response)
        {
            reader.ReadByte(); // Type: RFC 3748 §4.1, present in every request and response.
        }
        else if (code is not (EapCode.Success or EapCode.Failure) || length != 4)
        {
            // RFC 3748 §4.2: Success and Failure are exactly four octets; other codes are not EAP.
            ThrowHelper.ThrowInvalidSyntax($"EAP code {(byte)code} with length {length}");
        }

        reader.ReadRemaining(); // Type_Data
        reader.ReadEnd();
        return new EapPayload(body);
    }

    public override void WriteBody(ref IkeWriter writer) => writer.WriteBytes(Message.Span);
}
