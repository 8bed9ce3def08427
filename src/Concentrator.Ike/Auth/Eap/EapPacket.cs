using System.Buffers.Binary;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>EAP method types (IANA "Method Types", RFC 3748 §5).</summary>
public enum EapType : byte
{
    None = 0,
    Identity = 1,
    Notification = 2,
    Nak = 3,
    Md5Challenge = 4,
    Tls = 13,
    MsChapV2 = 26,
}

/// <summary>
/// One EAP packet (RFC 3748 §4): Code, Identifier, Length, and for Request/Response the Type and Type-Data. The
/// parser never throws: a malformed packet is refused with a reason the caller counts.
/// </summary>
/// <param name="Data">Type-Data of a Request/Response (after the Type octet); empty for Success/Failure.</param>
public readonly record struct EapPacket(EapCode Code, byte Identifier, EapType Type, ReadOnlyMemory<byte> Data)
{
    public const int HeaderLength = 4;

    public bool IsRequest => Code == EapCode.Request;

    public bool IsResponse => Code == EapCode.Response;

    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |     Code      |  Identifier   |            Length             |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |     Type      |  Type-Data ...
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// <summary>Reads one packet that fills <paramref name="message"/> exactly; false with
    /// <paramref name="problem"/> when it is not well formed.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> message, out EapPacket packet, out string? problem)
    {
        packet = default;
        ReadOnlySpan<byte> span = message.Span;
        if (span.Length < HeaderLength)
        {
            problem = $"EAP packet of {span.Length} octets";
            return false;
        }

        var code = (EapCode)span[0];
        ushort length = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        // RFC 3748 §4: octets beyond Length "MUST be treated as ... padding and ignored"; inside IKE the EAP payload
        // carries exactly one packet (RFC 7296 §3.16), so any difference is refused rather than guessed at.
        if (length != span.Length)
        {
            problem = $"EAP length {length} in {span.Length} octets";
            return false;
        }

        switch (code)
        {
            case EapCode.Request or EapCode.Response:
                // RFC 3748 §4.1: a Request or Response has a Type octet.
                if (length < HeaderLength + 1)
                {
                    problem = $"EAP {code} without a Type";
                    return false;
                }

                packet = new EapPacket(code, span[1], (EapType)span[4], message[(HeaderLength + 1)..]);
                problem = null;
                return true;
            case EapCode.Success or EapCode.Failure when length == HeaderLength:
                // RFC 3748 §4.2: Success and Failure carry no data.
                packet = new EapPacket(code, span[1], EapType.None, ReadOnlyMemory<byte>.Empty);
                problem = null;
                return true;
            default:
                problem = $"EAP code {(byte)code} with length {length}";
                return false;
        }
    }

    /// <summary>The packet as it goes on the wire.</summary>
    public byte[] Encode()
    {
        bool typed = Code is EapCode.Request or EapCode.Response;
        var message = new byte[HeaderLength + (typed ? 1 + Data.Length : 0)];
        message[0] = (byte)Code;
        message[1] = Identifier;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), checked((ushort)message.Length));
        if (typed)
        {
            message[4] = (byte)Type;
            Data.Span.CopyTo(message.AsSpan(5));
        }

        return message;
    }

    public static EapPacket Request(byte identifier, EapType type, ReadOnlyMemory<byte> data) => new(EapCode.Request, identifier, type, data);

    public static EapPacket Response(byte identifier, EapType type, ReadOnlyMemory<byte> data) => new(EapCode.Response, identifier, type, data);

    public static EapPacket Success(byte identifier) => new(EapCode.Success, identifier, EapType.None, ReadOnlyMemory<byte>.Empty);

    public static EapPacket Failure(byte identifier) => new(EapCode.Failure, identifier, EapType.None, ReadOnlyMemory<byte>.Empty);
}
