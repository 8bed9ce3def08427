using System.Buffers;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>
/// prf+ (RFC 7296 §2.13): <c>T1 = prf(K, S | 0x01)</c>, <c>Tn = prf(K, Tn-1 | S | n)</c>, output
/// <c>T1 | T2 | …</c> cut to the length asked for.
/// </summary>
public static class PrfPlus
{
    /// <summary>RFC 7296 §2.13: the counter is one octet, so prf+ is undefined past 255 blocks.</summary>
    public const int MaxBlocks = 255;

    /// <summary>Fills <paramref name="output"/> with prf+(key, seed).</summary>
    public static void Derive(IPrf prf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        int hashLength = prf.OutputLength;
        int blocks = (output.Length + hashLength - 1) / hashLength;
        // RFC 7296 §2.13: prf+ with more than 255 iterations is not defined; asking for that is a bug here.
        if (blocks > MaxBlocks)
            throw new ArgumentOutOfRangeException(nameof(output), $"prf+ can produce at most {MaxBlocks * hashLength} octets");

        // One buffer holds Tn-1 | S | n for every round; it carries key-derived octets, so it is zeroed after.
        int inputLength = hashLength + seed.Length + 1;
        byte[] rented = ArrayPool<byte>.Shared.Rent(inputLength + hashLength);
        try
        {
            Span<byte> input = rented.AsSpan(0, inputLength);
            Span<byte> block = rented.AsSpan(inputLength, hashLength);
            seed.CopyTo(input[hashLength..]);
            int previous = 0; // T0 is empty
            for (int n = 1, written = 0; written < output.Length; n++)
            {
                input[^1] = (byte)n;
                prf.Compute(key, input[(hashLength - previous)..], block);
                int take = Math.Min(hashLength, output.Length - written);
                block[..take].CopyTo(output[written..]);
                written += take;
                block.CopyTo(input);
                previous = hashLength;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, inputLength + hashLength));
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>prf+(key, seed) as a new array of <paramref name="length"/> octets.</summary>
    public static byte[] Derive(IPrf prf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> seed, int length)
    {
        var result = new byte[length];
        Derive(prf, key, seed, result);
        return result;
    }
}
