using System.Security.Cryptography;

namespace Concentrator.Server.Radius;

#pragma warning disable CA5351 // RFC 2865 §5.2 hides User-Password with MD5.

/// <summary>User-Password hiding (RFC 2865 §5.2): the password, padded with nulls to a multiple of 16 octets, XORed
/// with b1 = MD5(S + RA), b2 = MD5(S + c1), …</summary>
public static class UserPassword
{
    /// <summary>RFC 2865 §5.2: the hidden value is at most 128 octets.</summary>
    public const int MaxLength = 128;

    public static byte[] Hide(ReadOnlySpan<byte> password, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> requestAuthenticator)
    {
        if (password.Length > MaxLength)
        {
            throw new ArgumentException($"a User-Password holds at most {MaxLength} octets (RFC 2865 §5.2)", nameof(password));
        }

        var padded = new byte[Math.Max(16, (password.Length + 15) / 16 * 16)];
        password.CopyTo(padded);
        Xor(padded, secret, requestAuthenticator, hide: true);
        return padded;
    }

    /// <summary>The password of a hidden value (trailing nulls removed), or null when the value is not a multiple of 16.</summary>
    public static byte[]? Recover(ReadOnlySpan<byte> hidden, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> requestAuthenticator)
    {
        if (hidden.Length == 0 || hidden.Length % 16 != 0 || hidden.Length > MaxLength)
        {
            return null;
        }

        var plain = hidden.ToArray();
        Xor(plain, secret, requestAuthenticator, hide: false);
        var end = plain.Length;
        while (end > 0 && plain[end - 1] == 0)
        {
            end--;
        }

        return plain[..end];
    }

    /// <summary>The RFC 2865 §5.2 / RFC 2548 §2.4.2 chain: block i is XORed with MD5(S + previous ciphertext block),
    /// the first with MD5(S + <paramref name="first"/>).</summary>
    internal static void Xor(Span<byte> data, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> first, bool hide)
    {
        var input = new byte[secret.Length + Math.Max(first.Length, 16)];
        secret.CopyTo(input);
        first.CopyTo(input.AsSpan(secret.Length));
        var inputLength = secret.Length + first.Length;
        Span<byte> b = stackalloc byte[16];
        Span<byte> cipher = stackalloc byte[16];
        for (var i = 0; i < data.Length; i += 16)
        {
            MD5.HashData(input.AsSpan(0, inputLength), b);
            var block = data.Slice(i, 16);
            if (hide)
            {
                for (var j = 0; j < 16; j++)
                {
                    block[j] ^= b[j];
                }

                block.CopyTo(cipher);
            }
            else
            {
                block.CopyTo(cipher);
                for (var j = 0; j < 16; j++)
                {
                    block[j] ^= b[j];
                }
            }

            cipher.CopyTo(input.AsSpan(secret.Length));
            inputLength = secret.Length + 16;
        }
    }
}
