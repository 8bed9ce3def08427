namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Traffic Selector payload, TSi or TSr (RFC 7296 §3.13).</summary>
public sealed class TrafficSelectorPayload : Payload
{
    private readonly PayloadType _type;

    /// <param name="initiator">True for TSi, false for TSr.</param>
    /// <param name="selectors">The selectors.</param>
    public TrafficSelectorPayload(bool initiator, params TrafficSelector[] selectors)
    {
        _type = initiator ? PayloadType.TrafficSelectorInitiator : PayloadType.TrafficSelectorResponder;
        Selectors.AddRange(selectors);
    }

    public override PayloadType Type => _type;

    public bool IsInitiator => _type == PayloadType.TrafficSelectorInitiator;

    public List<TrafficSelector> Selectors { get; } = new(2);

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Number of TSs |                 RESERVED                      |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                       <Traffic Selectors>                     ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static TrafficSelectorPayload Parse(PayloadType type, ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        byte count = reader.ReadByte();
        reader.Skip(3); // RESERVED
        if (count > CodecLimits.MaxTrafficSelectors)
        {
            ThrowHelper.ThrowInvalidSyntax($"{count} traffic selectors");
        }

        var payload = new TrafficSelectorPayload(type == PayloadType.TrafficSelectorInitiator);
        for (int i = 0; i < count; i++)
        {
            payload.Selectors.Add(TrafficSelector.Parse(ref reader));
        }

        // Number of TSs must account for every selector present.
        reader.ReadEnd();
        return payload;
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte(checked((byte)Selectors.Count));
        writer.WriteZeros(3);
        foreach (TrafficSelector selector in Selectors)
        {
            selector.Write(ref writer);
        }
    }
}
