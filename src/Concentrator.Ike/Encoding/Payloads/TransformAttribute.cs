namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Data attribute of a transform (RFC 7296 §3.3.5), either TV (AF=1, two-octet value in place of the
/// length) or TLV (AF=0, length then value).</summary>
public readonly struct TransformAttribute
{
    /// <summary>A TV attribute.</summary>
    public TransformAttribute(ushort type, ushort value)
    {
        Type = type;
        IsTv = true;
        TvValue = value;
    }

    /// <summary>A TLV attribute.</summary>
    public TransformAttribute(ushort type, ReadOnlyMemory<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The attribute type without the AF bit.</summary>
    public ushort Type { get; }

    public bool IsTv { get; }

    public ushort TvValue { get; }

    public ReadOnlyMemory<byte> Value { get; }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |A|       Attribute Type        |    AF=0  Attribute Length     |
    // |F|                             |    AF=1  Attribute Value      |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                   AF=0  Attribute Value                       |
    // |                   AF=1  Not Transmitted                       |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal static TransformAttribute Parse(ref IkeReader reader)
    {
        ushort typeField = reader.ReadUInt16();
        ushort lengthOrValue = reader.ReadUInt16();
        var type = (ushort)(typeField & 0x7FFF);
        if ((typeField & 0x8000) != 0)
        {
            return new TransformAttribute(type, lengthOrValue);
        }

        return new TransformAttribute(type, reader.ReadMemory(lengthOrValue));
    }

    internal void Write(ref IkeWriter writer)
    {
        if (IsTv)
        {
            writer.WriteUInt16((ushort)(Type | 0x8000));
            writer.WriteUInt16(TvValue);
        }
        else
        {
            writer.WriteUInt16(Type);
            writer.WriteUInt16(checked((ushort)Value.Length));
            writer.WriteBytes(Value.Span);
        }
    }
}
