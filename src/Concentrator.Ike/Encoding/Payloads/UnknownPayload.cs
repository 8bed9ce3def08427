namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>
/// A payload of a type this implementation does not understand, received with the critical bit clear.
/// RFC 7296 §2.5: such a payload MUST be skipped; it is kept raw so the message re-serialises unchanged.
/// </summary>
public sealed class UnknownPayload : Payload
{
    private readonly PayloadType _type;

    public UnknownPayload(PayloadType type, ReadOnlyMemory<byte> body)
    {
        _type = type;
        Body = body;
    }

    public override PayloadType Type => _type;

    public ReadOnlyMemory<byte> Body { get; }

    public override void WriteBody(ref IkeWriter writer) => writer.WriteBytes(Body.Span);
}
