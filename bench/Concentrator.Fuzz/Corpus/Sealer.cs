using System.Buffers.Binary;
using Concentrator.Ike.Crypto;

namespace Concentrator.Fuzz.Corpus;

/// <summary>
/// Seals and opens SK (RFC 7296 §3.14) and SKF (RFC 7383 §2.5) payloads written by the harness itself, so that any
/// octets (a mutated inner payload chain included) go out under an SA's real keys and pass its integrity check.
/// The SK/SKF payload is the first and only payload, as in every message our initiator sends.
/// </summary>
internal static class Sealer
{
    public const byte Sk = 46;
    public const byte Skf = 53;

    /// <summary>Largest plaintext sealed: the message must stay within the 16-bit payload length.</summary>
    public const int MaxPlaintext = 60_000;

    public static byte[] Seal(MessageHead head, byte firstInner, ReadOnlySpan<byte> plaintext, ISkCipher cipher)
    {
        plaintext = plaintext[..Math.Min(plaintext.Length, MaxPlaintext)];
        int sealedLength = cipher.SealedLength(plaintext.Length);
        var datagram = new byte[MessageHead.Length + 4 + sealedLength];
        head.Write(datagram, Sk, datagram.Length);
        datagram[28] = firstInner;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(30), (ushort)(4 + sealedLength));
        cipher.Seal(datagram.AsSpan(0, 32), plaintext, datagram.AsSpan(32));
        return datagram;
    }

    /// <summary>The plaintext cut into <paramref name="pieces"/> fragments, each sealed on its own (RFC 7383 §2.5).</summary>
    public static List<byte[]> SealFragments(MessageHead head, byte firstInner, ReadOnlySpan<byte> plaintext, ISkCipher cipher, int pieces)
    {
        plaintext = plaintext[..Math.Min(plaintext.Length, MaxPlaintext)];
        pieces = Math.Clamp(pieces, 1, Math.Max(1, plaintext.Length));
        int chunk = (plaintext.Length + pieces - 1) / pieces;
        var fragments = new List<byte[]>(pieces);
        for (int number = 1; number <= pieces; number++)
        {
            ReadOnlySpan<byte> piece = plaintext.Slice(Math.Min((number - 1) * chunk, plaintext.Length),
                Math.Clamp(plaintext.Length - (number - 1) * chunk, 0, chunk));
            int sealedLength = cipher.SealedLength(piece.Length);
            var datagram = new byte[MessageHead.Length + 8 + sealedLength];
            head.Write(datagram, Skf, datagram.Length);
            datagram[28] = number == 1 ? firstInner : (byte)0;
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(30), (ushort)(8 + sealedLength));
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(32), (ushort)number);
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(34), (ushort)pieces);
            cipher.Seal(datagram.AsSpan(0, 36), piece, datagram.AsSpan(36));
            fragments.Add(datagram);
        }

        return fragments;
    }

    /// <summary>Opens one of our own SK or SKF messages: the first inner payload type (zero for fragments after the
    /// first) and the plaintext piece, or null if it is not one or does not verify.</summary>
    public static (byte FirstInner, byte[] Plaintext)? Open(byte[] datagram, ISkCipher cipher)
    {
        bool fragment = datagram.Length > 36 && datagram[16] == Skf;
        if (!fragment && !(datagram.Length > 32 && datagram[16] == Sk))
        {
            return null;
        }

        int ad = fragment ? 36 : 32;
        var plaintext = new byte[datagram.Length];
        int length = cipher.Open(datagram.AsSpan(0, ad), datagram.AsSpan(ad), plaintext);
        return length < 0 ? null : (datagram[28], plaintext[..length]);
    }
}
