namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Nonce payload (RFC 7296 §3.9).</summary>
public sealed class NoncePayload : Payload
{
    public NoncePayload(ReadOnlyMemory<byte> data) => Data = data;

    public override PayloadType Type => PayloadType.Nonce;

    public ReadOnlyMemory<byte> Data { get; set; }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                            Nonce Data                         ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static NoncePayload Parse(ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        ReadOnlyMemory<byte> data = reader.ReadRemaining();
        reader.ReadEnd();

        // RFC 7296 §3.9: the size of the Nonce Data MUST be between 16 and 256 octets, inclusive.
        if (data.Length is < IkeConstants.MinNonceLength or > IkeConstants.MaxNonceLength)
        {
            ThrowHelper.ThrowInvalidSyntax($"nonce of {data.Length} octets");
        }

        return new NoncePayload(data);
    }

    public override void WriteBody(ref IkeWriter writer) => writer.WriteBytes(Data.Span);
}
