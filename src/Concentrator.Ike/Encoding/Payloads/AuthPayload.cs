namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Authentication payload (RFC 7296 §3.8).</summary>
public sealed class AuthPayload : Payload
{
    public AuthPayload(AuthMethod method, ReadOnlyMemory<byte> data)
    {
        Method = method;
        Data = data;
    }

    public override PayloadType Type => PayloadType.Authentication;

    public AuthMethod Method { get; set; }

    public ReadOnlyMemory<byte> Data { get; set; }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Auth Method   |                RESERVED                       |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                      Authentication Data                      ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static AuthPayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var method = (AuthMethod)reader.ReadByte();
        reader.Skip(3); // RESERVED
        ReadOnlyMemory<byte> data = reader.ReadRemaining();
        reader.ReadEnd();
        return new AuthPayload(method, data);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte((byte)Method);
        writer.WriteZeros(3);
        writer.WriteBytes(Data.Span);
    }
}
