namespace Concentrator.Server.Radius;

/// <summary>Builds whole packets with their authenticators: Access-Request (RFC 2865 §4.1, with Message-Authenticator
/// per RFC 3579 §3.2), Accounting-Request (RFC 2866 §4.1), and replies (what a server sends; for tests and
/// benchmarks).</summary>
public static class RadiusEncoder
{
    private static readonly byte[] Zero16 = new byte[16];

    /// <summary>An Access-Request: <paramref name="attributes"/>, <paramref name="eapMessage"/> (when not empty)
    /// split over consecutive EAP-Message attributes, and a Message-Authenticator.</summary>
    public static byte[] AccessRequest(byte identifier, ReadOnlySpan<byte> requestAuthenticator, IEnumerable<RadiusAttribute> attributes,
        ReadOnlySpan<byte> eapMessage, ReadOnlySpan<byte> secret)
    {
        Span<byte> buffer = stackalloc byte[RadiusConstants.MaxPacketLength];
        var writer = new RadiusWriter(buffer, RadiusCode.AccessRequest, identifier, requestAuthenticator);
        foreach (var a in attributes)
        {
            writer.Write(a);
        }

        if (!eapMessage.IsEmpty)
        {
            writer.WriteFragmented(RadiusAttributeType.EapMessage, eapMessage);
        }

        // RFC 3579 §3.2: "Any packet that contains an EAP-Message attribute MUST also contain a Message-Authenticator
        // attribute." It is sent on every Access-Request: servers hardened against Blast-RADIUS (CVE-2024-3596) ask for it.
        var ma = writer.Write(RadiusAttributeType.MessageAuthenticator, Zero16);
        var packet = writer.Finish();
        // RFC 3579 §3.2: for Access-Request the HMAC covers the packet with its own Request Authenticator.
        RadiusAuthenticator.ComputeMessageAuthenticator(packet, requestAuthenticator, ma, secret, packet.Slice(ma, 16));
        return packet.ToArray();
    }

    /// <summary>An Accounting-Request whose Request Authenticator is MD5(Code+Identifier+Length+16 zero
    /// octets+Attributes+Secret) (RFC 2866 §3).</summary>
    public static byte[] AccountingRequest(byte identifier, IEnumerable<RadiusAttribute> attributes, ReadOnlySpan<byte> secret)
    {
        Span<byte> buffer = stackalloc byte[RadiusConstants.MaxPacketLength];
        var writer = new RadiusWriter(buffer, RadiusCode.AccountingRequest, identifier, Zero16);
        foreach (var a in attributes)
        {
            writer.Write(a);
        }

        var packet = writer.Finish();
        RadiusAuthenticator.Compute(packet, Zero16, secret, packet.Slice(4, 16));
        return packet.ToArray();
    }

    /// <summary>A server's reply to a request with <paramref name="requestAuthenticator"/>: a Message-Authenticator
    /// when <paramref name="messageAuthenticator"/> (computed first, RFC 3579 §3.2), then the Response Authenticator
    /// (RFC 2865 §3).</summary>
    public static byte[] Reply(RadiusCode code, byte identifier, ReadOnlySpan<byte> requestAuthenticator, IEnumerable<RadiusAttribute> attributes,
        ReadOnlySpan<byte> eapMessage, ReadOnlySpan<byte> secret, bool messageAuthenticator)
    {
        Span<byte> buffer = stackalloc byte[RadiusConstants.MaxPacketLength];
        var writer = new RadiusWriter(buffer, code, identifier, requestAuthenticator);
        foreach (var a in attributes)
        {
            writer.Write(a);
        }

        if (!eapMessage.IsEmpty)
        {
            writer.WriteFragmented(RadiusAttributeType.EapMessage, eapMessage);
        }

        var ma = messageAuthenticator ? writer.Write(RadiusAttributeType.MessageAuthenticator, Zero16) : -1;
        var packet = writer.Finish();
        if (ma >= 0)
        {
            RadiusAuthenticator.ComputeMessageAuthenticator(packet, requestAuthenticator, ma, secret, packet.Slice(ma, 16));
        }

        RadiusAuthenticator.Compute(packet, requestAuthenticator, secret, packet.Slice(4, 16));
        return packet.ToArray();
    }
}
