namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>
/// Transform substructure (RFC 7296 §3.3.2) with its attributes (§3.3.5). The only attribute RFC 7296 defines is
/// Key Length (type 14, TV), exposed as <see cref="KeyLength"/>; the attributes as received are kept in
/// <see cref="EncodedAttributes"/> so that they re-serialise unchanged. Equality compares Type, Id and KeyLength.
/// </summary>
public readonly struct Transform : IEquatable<Transform>
{
    /// <param name="type">The transform type.</param>
    /// <param name="id">The IANA transform ID within <paramref name="type"/>.</param>
    /// <param name="keyLength">Key length in bits, or 0 for none (written as one TV attribute).</param>
    public Transform(TransformType type, ushort id, ushort keyLength = 0)
    {
        Type = type;
        Id = id;
        KeyLength = keyLength;
    }

    private Transform(TransformType type, ushort id, ushort keyLength, ReadOnlyMemory<byte> attributes, bool unknown)
    {
        Type = type;
        Id = id;
        KeyLength = keyLength;
        EncodedAttributes = attributes;
        HasUnknownAttributes = unknown;
    }

    public TransformType Type { get; }

    public ushort Id { get; }

    /// <summary>Key Length attribute in bits, 0 when absent.</summary>
    public ushort KeyLength { get; }

    /// <summary>The attribute octets as received; empty for transforms built locally.</summary>
    public ReadOnlyMemory<byte> EncodedAttributes { get; }

    /// <summary>RFC 7296 §3.3.6: a proposal with a transform attribute the responder does not understand MUST be
    /// rejected; proposal selection reads this.</summary>
    public bool HasUnknownAttributes { get; }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Last Substruc |   RESERVED    |        Transform Length       |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Transform Type |   RESERVED    |          Transform ID         |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                      Transform Attributes                     ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal static Transform Parse(ref IkeReader outer, out bool more)
    {
        byte lastSubstruc = outer.ReadByte();
        outer.Skip(1); // RESERVED
        ushort length = outer.ReadUInt16();

        // RFC 7296 §3.3.2: Last Substruc MUST be 0 for the last transform and 3 when more follow.
        more = lastSubstruc switch
        {
            3 => true,
            0 => false,
            _ => ThrowHelper.ThrowInvalidSyntax<bool>($"transform Last Substruc {lastSubstruc}"),
        };
        if (length < 8 || length - 4 > outer.Remaining)
        {
            ThrowHelper.ThrowInvalidSyntax($"transform length {length}");
        }

        var reader = outer.ReadSubReader(length - 4);
        var type = (TransformType)reader.ReadByte();
        reader.Skip(1); // RESERVED
        ushort id = reader.ReadUInt16();
        ReadOnlyMemory<byte> attributes = reader.ReadRemaining();
        reader.ReadEnd();

        if (attributes.IsEmpty)
        {
            return new Transform(type, id, 0, default, unknown: false);
        }

        ushort keyLength = 0;
        bool unknown = false;
        var attrReader = new IkeReader(attributes);
        int count = 0;
        while (attrReader.Remaining > 0)
        {
            if (++count > CodecLimits.MaxAttributesPerTransform)
            {
                ThrowHelper.ThrowInvalidSyntax("too many transform attributes");
            }

            TransformAttribute attribute = TransformAttribute.Parse(ref attrReader);
            if (attribute.IsTv && attribute.Type == IkeConstants.AttributeKeyLength)
            {
                keyLength = attribute.TvValue;
            }
            else
            {
                unknown = true;
            }
        }

        return new Transform(type, id, keyLength, attributes, unknown);
    }

    internal void Write(ref IkeWriter writer, bool last)
    {
        int start = writer.Position;
        writer.WriteByte(last ? (byte)0 : (byte)3);
        writer.WriteByte(0);
        using (writer.BeginLength16(start))
        {
            writer.WriteByte((byte)Type);
            writer.WriteByte(0);
            writer.WriteUInt16(Id);
            if (!EncodedAttributes.IsEmpty)
            {
                writer.WriteBytes(EncodedAttributes.Span);
            }
            else if (KeyLength != 0)
            {
                new TransformAttribute(IkeConstants.AttributeKeyLength, KeyLength).Write(ref writer);
            }
        }
    }

    public bool Equals(Transform other) =>
        Type == other.Type && Id == other.Id && KeyLength == other.KeyLength;

    public override bool Equals(object? obj) => obj is Transform other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Type, Id, KeyLength);

    public static bool operator ==(Transform left, Transform right) => left.Equals(right);

    public static bool operator !=(Transform left, Transform right) => !left.Equals(right);

    public override string ToString() => KeyLength == 0 ? $"{Type}:{Id}" : $"{Type}:{Id}/{KeyLength}";
}
