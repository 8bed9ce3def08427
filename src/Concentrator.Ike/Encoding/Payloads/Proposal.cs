namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Proposal substructure (RFC 7296 §3.3.1).</summary>
public sealed class Proposal
{
    public Proposal()
    {
    }

    public Proposal(byte number, ProtocolId protocol, ReadOnlyMemory<byte> spi, params Transform[] transforms)
    {
        Number = number;
        Protocol = protocol;
        Spi = spi;
        Transforms.AddRange(transforms);
    }

    /// <summary>RFC 7296 §3.3.1: the first proposal MUST be numbered 1, each next one more; a response carries the
    /// number of the proposal it accepted. Checked by proposal selection, not by the codec.</summary>
    public byte Number { get; set; }

    public ProtocolId Protocol { get; set; }

    /// <summary>Empty for an initial IKE SA negotiation; 8 octets when rekeying an IKE SA; 4 for ESP/AH.</summary>
    public ReadOnlyMemory<byte> Spi { get; set; }

    public List<Transform> Transforms { get; } = new(8);

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Last Substruc |   RESERVED    |         Proposal Length       |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // ~                        SPI (variable)                         ~
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                        <Transforms>                           ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    internal static Proposal Parse(ref IkeReader outer, out bool more)
    {
        byte lastSubstruc = outer.ReadByte();
        outer.Skip(1); // RESERVED: RFC 7296 §3.3.1, MUST be ignored on receipt.
        ushort length = outer.ReadUInt16();

        // RFC 7296 §3.3.1: Last Substruc MUST be 0 for the last proposal and 2 when more follow.
        more = lastSubstruc switch
        {
            2 => true,
            0 => false,
            _ => ThrowHelper.ThrowInvalidSyntax<bool>($"proposal Last Substruc {lastSubstruc}"),
        };
        if (length < 8 || length - 4 > outer.Remaining)
        {
            ThrowHelper.ThrowInvalidSyntax($"proposal length {length}");
        }

        var reader = outer.ReadSubReader(length - 4);
        var proposal = new Proposal
        {
            Number = reader.ReadByte(),
            Protocol = (ProtocolId)reader.ReadByte(),
        };
        byte spiSize = reader.ReadByte();
        byte transformCount = reader.ReadByte();
        proposal.Spi = reader.ReadMemory(spiSize);
        if (transformCount > CodecLimits.MaxTransformsPerProposal)
        {
            ThrowHelper.ThrowInvalidSyntax($"proposal with {transformCount} transforms");
        }

        bool moreTransforms = reader.Remaining > 0;
        while (moreTransforms)
        {
            if (proposal.Transforms.Count == transformCount)
            {
                ThrowHelper.ThrowInvalidSyntax("more transforms than Num Transforms");
            }

            proposal.Transforms.Add(Transform.Parse(ref reader, out moreTransforms));
        }

        if (proposal.Transforms.Count != transformCount)
        {
            ThrowHelper.ThrowInvalidSyntax($"Num Transforms {transformCount} but {proposal.Transforms.Count} present");
        }

        reader.ReadEnd();
        return proposal;
    }

    internal void Write(ref IkeWriter writer, bool last)
    {
        if (Transforms.Count > byte.MaxValue || Spi.Length > byte.MaxValue)
        {
            ThrowHelper.ThrowInvalidOperation("too many transforms or SPI too long for a proposal");
        }

        int start = writer.Position;
        writer.WriteByte(last ? (byte)0 : (byte)2);
        writer.WriteByte(0);
        using (writer.BeginLength16(start))
        {
            writer.WriteByte(Number);
            writer.WriteByte((byte)Protocol);
            writer.WriteByte((byte)Spi.Length);
            writer.WriteByte((byte)Transforms.Count);
            writer.WriteBytes(Spi.Span);
            for (int i = 0; i < Transforms.Count; i++)
            {
                Transforms[i].Write(ref writer, last: i == Transforms.Count - 1);
            }
        }
    }
}
