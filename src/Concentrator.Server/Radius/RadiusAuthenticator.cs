using System.Security.Cryptography;

namespace Concentrator.Server.Radius;

// RFC 2865 §3, RFC 2866 §3 and RFC 3579 §3.2 define the authenticators with MD5 and HMAC-MD5; there is no choice.
#pragma warning disable CA5351

/// <summary>The packet authenticators: Response Authenticator (RFC 2865 §3), Accounting Request Authenticator
/// (RFC 2866 §3) and Message-Authenticator (RFC 3579 §3.2).</summary>
public static class RadiusAuthenticator
{
    /// <summary>A random Request Authenticator (RFC 2865 §3: "the value SHOULD be unpredictable and unique over the
    /// lifetime of a secret").</summary>
    public static byte[] NewRequestAuthenticator() => RandomNumberGenerator.GetBytes(RadiusConstants.AuthenticatorLength);

    /// <summary>MD5(Code+Identifier+Length+<paramref name="authenticatorField"/>+Attributes+Secret) of
    /// <paramref name="packet"/> with its authenticator field replaced: the Response Authenticator when it is the
    /// Request Authenticator, the Accounting Request Authenticator when it is sixteen zero octets.</summary>
    public static void Compute(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> authenticatorField, ReadOnlySpan<byte> secret, Span<byte> destination)
    {
        var length = packet.Length + secret.Length;
        var buffer = length <= 1024 ? stackalloc byte[length] : new byte[length];
        packet.CopyTo(buffer);
        authenticatorField.CopyTo(buffer[4..]);
        secret.CopyTo(buffer[packet.Length..]);
        MD5.HashData(buffer, destination);
    }

    /// <summary>HMAC-MD5 keyed with the secret over <paramref name="packet"/> with its authenticator field replaced by
    /// <paramref name="authenticatorField"/> and the Message-Authenticator value (16 octets at
    /// <paramref name="valueOffset"/>) zeroed (RFC 3579 §3.2).</summary>
    public static void ComputeMessageAuthenticator(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> authenticatorField, int valueOffset, ReadOnlySpan<byte> secret, Span<byte> destination)
    {
        var buffer = packet.Length <= 1024 ? stackalloc byte[packet.Length] : new byte[packet.Length];
        packet.CopyTo(buffer);
        authenticatorField.CopyTo(buffer[4..]);
        buffer.Slice(valueOffset, 16).Clear();
        HMACMD5.HashData(secret, buffer, destination);
    }

    /// <summary>Checks a reply to a request whose Request Authenticator was <paramref name="requestAuthenticator"/>:
    /// the Response Authenticator, then the Message-Authenticator where present, and that one is present when the reply
    /// carries EAP-Message (<paramref name="hasEapMessage"/>).</summary>
    public static RadiusRefusal VerifyReply(RadiusPacket reply, ReadOnlySpan<byte> requestAuthenticator, ReadOnlySpan<byte> secret, bool hasEapMessage)
    {
        Span<byte> expected = stackalloc byte[16];
        // RFC 2865 §3 / RFC 2866 §4: ResponseAuth = MD5(Code+ID+Length+RequestAuth+Attributes+Secret); a reply whose
        // authenticator does not match is silently discarded.
        Compute(reply.Bytes, requestAuthenticator, secret, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, reply.Authenticator.Span))
        {
            return RadiusRefusal.BadAuthenticator;
        }

        if (reply.MessageAuthenticatorOffset < 0)
        {
            // RFC 3579 §3.2: "Access-Challenge, Access-Accept, or Access-Reject packets including EAP-Message
            // attribute(s) without a Message-Authenticator attribute SHOULD be silently discarded by the NAS."
            return hasEapMessage ? RadiusRefusal.MissingMessageAuthenticator : RadiusRefusal.None;
        }

        // RFC 3579 §3.2: for replies the HMAC is over the packet with the Request Authenticator of the Access-Request
        // in the authenticator field; "A NAS supporting the EAP-Message attribute MUST calculate the correct value of
        // the Message-Authenticator and MUST silently discard the packet if it does not match the value sent."
        ComputeMessageAuthenticator(reply.Bytes, requestAuthenticator, reply.MessageAuthenticatorOffset, secret, expected);
        return CryptographicOperations.FixedTimeEquals(expected, reply.Bytes.AsSpan(reply.MessageAuthenticatorOffset, 16))
            ? RadiusRefusal.None
            : RadiusRefusal.BadMessageAuthenticator;
    }
}
