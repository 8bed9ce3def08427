namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Security Association payload (RFC 7296 §3.3): one or more proposals.</summary>
public sealed class SaPayload : Payload
{
    public SaPayload()
    {
    }

    public SaPayload(params Proposal[] proposals) => Proposals.AddRange(proposals);

    public override PayloadType Type => PayloadType.SecurityAssociation;

    public List<Proposal> Proposals { get; } = new(2);

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                          <Proposals>                          ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static SaPayload Parse(ReadOnlyMemory<byte> body)
    {
        var payload = new SaPayload();
        var reader = new IkeReader(body);
        bool more = true;
        while (more)
        {
            if (payload.Proposals.Count == CodecLimits.MaxProposals)
            {
                ThrowHelper.ThrowInvalidSyntax($"more than {CodecLimits.MaxProposals} proposals");
            }

            payload.Proposals.Add(Proposal.Parse(ref reader, out more));
        }

        reader.ReadEnd();
        return payload;
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        for (int i = 0; i < Proposals.Count; i++)
        {
            Proposals[i].Write(ref writer, last: i == Proposals.Count - 1);
        }
    }
}
