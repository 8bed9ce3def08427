namespace Concentrator.Fuzz.Mutation;

/// <summary>One payload with its generic header; <see cref="Type"/> is what the previous header named it.</summary>
internal sealed record Segment(byte Type, byte[] Octets);

/// <summary>
/// Payload-level mutations of a chain (RFC 7296 §3.2): duplicate, drop, swap, splice in a payload of another message,
/// retype, set the critical bit. The Next Payload fields are rewritten to match the new order, so the chain stays
/// walkable and the mutation reaches the payload parsers and the tasks rather than the chain walk.
/// </summary>
internal static class ChainMutator
{
    /// <summary>Splits a chain (the first payload's type given apart) into segments; null if it does not walk.</summary>
    public static List<Segment>? Split(byte first, ReadOnlySpan<byte> chain)
    {
        List<(int Offset, int Length)> walk = PayloadWalk.Payloads(chain, 0);
        if (walk.Count == 0)
        {
            return null;
        }

        var segments = new List<Segment>(walk.Count);
        byte type = first;
        foreach ((int offset, int length) in walk)
        {
            segments.Add(new Segment(type, chain.Slice(offset, length).ToArray()));
            type = chain[offset];
        }

        return segments;
    }

    public static byte[] Join(List<Segment> segments, out byte first)
    {
        first = segments.Count > 0 ? segments[0].Type : (byte)0;
        var chain = new List<byte>();
        for (int i = 0; i < segments.Count; i++)
        {
            byte[] octets = (byte[])segments[i].Octets.Clone();
            octets[0] = i + 1 < segments.Count ? segments[i + 1].Type : (byte)0;
            chain.AddRange(octets);
        }

        return [.. chain];
    }

    /// <summary>Mutates <paramref name="chain"/> in place of its first type; <paramref name="donors"/> are payloads of
    /// other messages of the corpus.</summary>
    public static string Apply(Random random, ref byte first, ref byte[] chain, IReadOnlyList<Segment> donors)
    {
        List<Segment>? segments = Split(first, chain);
        if (segments is null)
        {
            return "chain-unwalkable";
        }

        string name;
        int pick = random.Next(segments.Count);
        switch (random.Next(6))
        {
            case 0:
                segments.Insert(random.Next(segments.Count + 1), segments[pick]);
                name = "payload-duplicate";
                break;
            case 1:
                segments.RemoveAt(pick);
                name = "payload-drop";
                break;
            case 2:
                int other = random.Next(segments.Count);
                (segments[pick], segments[other]) = (segments[other], segments[pick]);
                name = "payload-swap";
                break;
            case 3:
                segments.Insert(random.Next(segments.Count + 1), donors[random.Next(donors.Count)]);
                name = "payload-splice";
                break;
            case 4:
                byte[] types = [33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 53, 0, 1, 49, 200];
                segments[pick] = segments[pick] with { Type = types[random.Next(types.Length)] };
                name = "payload-retype";
                break;
            default:
                byte[] critical = (byte[])segments[pick].Octets.Clone();
                critical[1] ^= 0x80;
                segments[pick] = segments[pick] with { Octets = critical };
                name = "payload-critical";
                break;
        }

        chain = Join(segments, out first);
        return name;
    }
}
