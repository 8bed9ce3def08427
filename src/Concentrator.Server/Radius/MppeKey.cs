using System.Security.Cryptography;

namespace Concentrator.Server.Radius;

/// <summary>
/// MS-MPPE-Send-Key / MS-MPPE-Recv-Key (RFC 2548 §2.4.2, §2.4.3): Salt (2 octets, high bit set) followed by the
/// key, prefixed with its length and padded to a multiple of 16, encrypted as
/// c(1) = p(1) xor MD5(S + R + A), c(i) = p(i) xor MD5(S + c(i-1)), R the Request Authenticator, A the Salt.
/// </summary>
public static class MppeKey
{
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> requestAuthenticator, ushort salt)
    {
        if (key.Length > 255 || key.Length + 1 > RadiusConstants.MaxAttributeValue - 8)
        {
            throw new ArgumentException("an MPPE key must fit one vendor attribute", nameof(key));
        }

        var plainLength = (key.Length + 1 + 15) / 16 * 16;
        var value = new byte[2 + plainLength];
        // RFC 2548 §2.4.2: "The most significant bit (leftmost) of the Salt field MUST be set (1)."
        value[0] = (byte)((salt >> 8) | 0x80);
        value[1] = (byte)salt;
        value[2] = (byte)key.Length;
        key.CopyTo(value.AsSpan(3));
        UserPassword.Xor(value.AsSpan(2), secret, First(requestAuthenticator, value.AsSpan(0, 2)), hide: true);
        return value;
    }

    /// <summary>The key of an attribute value (salt + encrypted string); false when the salt's high bit is clear, the
    /// string is not a multiple of 16 octets or the decrypted length does not fit.</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> value, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> requestAuthenticator, out byte[] key)
    {
        key = [];
        if (value.Length < 2 + 16 || (value.Length - 2) % 16 != 0 || (value[0] & 0x80) == 0)
        {
            return false;
        }

        var plain = value[2..].ToArray();
        UserPassword.Xor(plain, secret, First(requestAuthenticator, value[..2]), hide: false);
        // RFC 2548 §2.4.2: the first octet of the plaintext is the Key-Length; the key follows, then padding.
        if (plain[0] == 0 || plain[0] > plain.Length - 1)
        {
            CryptographicOperations.ZeroMemory(plain);
            return false;
        }

        key = plain.AsSpan(1, plain[0]).ToArray();
        CryptographicOperations.ZeroMemory(plain);
        return true;
    }

    private static byte[] First(ReadOnlySpan<byte> requestAuthenticator, ReadOnlySpan<byte> salt)
    {
        var first = new byte[requestAuthenticator.Length + salt.Length];
        requestAuthenticator.CopyTo(first);
        salt.CopyTo(first.AsSpan(requestAuthenticator.Length));
        return first;
    }
}
