using System.Buffers.Binary;

namespace Concentrator.Fuzz.Mutation;

/// <summary>
/// Octet-level mutations of a datagram or a plaintext chain: bit flips, interesting values, truncation, extension, and
/// edits of the length-like fields (IKE header length, payload lengths, SKF number/total), SPIs and Message ID.
/// <paramref name="chainStart"/> is where the payload chain begins (28 for a message, 0 for a plaintext).
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x2E, 0x35, 0x21, 0x22, 0x23];
    private static readonly ushort[] InterestingShorts = [0, 1, 3, 4, 5, 8, 0x7FFF, 0x8000, 0xFFFF, 0xFFFE, 64, 65, 0x100];

    public static string Apply(Random random, ref byte[] data, int chainStart)
    {
        if (data.Length == 0)
        {
            data = [(byte)random.Next(256)];
            return "extend-empty";
        }

        switch (random.Next(11))
        {
            case 0:
                for (int i = random.Next(1, 5); i > 0; i--)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return "bit-flip";
            case 1:
                data[random.Next(data.Length)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                return "byte-interesting";
            case 2:
                if (data.Length >= 2)
                {
                    int at = random.Next(data.Length - 1);
                    ushort old = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at));
                    ushort value = random.Next(3) switch
                    {
                        0 => (ushort)(old + 1),
                        1 => (ushort)(old - 1),
                        _ => InterestingShorts[random.Next(InterestingShorts.Length)],
                    };
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), value);
                }

                return "short-interesting";
            case 3:
                data = data[..random.Next(data.Length)];
                return "truncate";
            case 4:
            {
                var extended = new byte[data.Length + random.Next(1, 64)];
                data.CopyTo(extended, 0);
                if (random.Next(2) == 0)
                {
                    random.NextBytes(extended.AsSpan(data.Length));
                }

                data = extended;
                return "extend";
            }

            case 5:
                return EditPayloadLength(random, data, chainStart);
            case 6:
                random.NextBytes(data.AsSpan(random.Next(data.Length), 1));
                return "byte-random";
            case 7:
            {
                // A run of octets overwritten, as a damaged or hostile middlebox would.
                int at = random.Next(data.Length);
                int length = Math.Min(random.Next(1, 17), data.Length - at);
                if (random.Next(2) == 0)
                {
                    data.AsSpan(at, length).Fill(InterestingBytes[random.Next(InterestingBytes.Length)]);
                }
                else
                {
                    random.NextBytes(data.AsSpan(at, length));
                }

                return "run-overwrite";
            }

            case 8:
            {
                int at = random.Next(data.Length);
                int length = Math.Min(random.Next(1, 33), data.Length - at);
                data = [.. data.AsSpan(0, at), .. data.AsSpan(at + length)];
                return "delete-range";
            }

            default:
                return chainStart == 28 && data.Length >= 28 ? EditHeader(random, data) : EditPayloadLength(random, data, chainStart);
        }
    }

    /// <summary>One payload's length (or, for SKF, its Fragment Number / Total Fragments) set to a neighbour or an
    /// interesting value.</summary>
    private static string EditPayloadLength(Random random, byte[] data, int chainStart)
    {
        List<(int Offset, int Length)> payloads = PayloadWalk.Payloads(data, chainStart);
        if (payloads.Count == 0)
        {
            return "payload-length-none";
        }

        (int offset, int length) = payloads[random.Next(payloads.Count)];
        byte type = offset == chainStart && chainStart == 28 ? data[16] : (byte)0;
        if (type == 53 && data.Length >= 36 && random.Next(2) == 0)
        {
            int field = random.Next(2) == 0 ? 32 : 34;
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(field), InterestingShorts[random.Next(InterestingShorts.Length)]);
            return field == 32 ? "skf-number" : "skf-total";
        }

        ushort value = random.Next(4) switch
        {
            0 => (ushort)(length + 1),
            1 => (ushort)(length - 1),
            2 => (ushort)(length + random.Next(-8, 9)),
            _ => InterestingShorts[random.Next(InterestingShorts.Length)],
        };
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(offset + 2), value);
        return "payload-length";
    }

    private static string EditHeader(Random random, byte[] data)
    {
        switch (random.Next(7))
        {
            case 0:
            {
                uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(24));
                uint[] values = [length + 1, length - 1, 0, 28, 27, uint.MaxValue, (uint)data.Length + 4];
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(24), values[random.Next(values.Length)]);
                return "ike-length";
            }

            case 1:
                random.NextBytes(data.AsSpan(random.Next(2) * 8, 8));
                return "spi-random";
            case 2:
                data.AsSpan(random.Next(2) * 8, 8).Clear();
                return "spi-zero";
            case 3:
            {
                uint id = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(20));
                uint[] values = [id + 1, id - 1, 0, uint.MaxValue, id + 2];
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(20), values[random.Next(values.Length)]);
                return "message-id";
            }

            case 4:
                data[18] = (byte)(random.Next(2) == 0 ? random.Next(256) : random.Next(34, 38));
                return "exchange-type";
            case 5:
                data[19] ^= (byte)(1 << random.Next(8));
                return "flags";
            default:
                data[16] = InterestingBytes[random.Next(InterestingBytes.Length)];
                return "next-payload";
        }
    }
}
