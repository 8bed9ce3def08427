using System.Buffers.Binary;

namespace Concentrator.Fuzz.Mutation;

/// <summary>
/// The generic payload headers of a chain (RFC 7296 §3.2: Next Payload, C + RESERVED, Payload Length), walked without
/// the codec: where the lengths stop making sense the walk stops, and the rest is one opaque tail.
/// </summary>
internal static class PayloadWalk
{
    /// <summary>Offsets and lengths of the payloads of <paramref name="chain"/> starting at <paramref name="start"/>.</summary>
    public static List<(int Offset, int Length)> Payloads(ReadOnlySpan<byte> chain, int start)
    {
        var payloads = new List<(int, int)>();
        int offset = start;
        while (offset + 4 <= chain.Length && payloads.Count < 64)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(chain[(offset + 2)..]);
            if (length < 4 || offset + length > chain.Length)
            {
                break;
            }

            payloads.Add((offset, length));
            if (chain[offset] == 0)
            {
                break;
            }

            offset += length;
        }

        return payloads;
    }
}
