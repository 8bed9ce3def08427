namespace Concentrator.Server.Radius;

/// <summary>
/// A parsed packet: header fields and attributes in wire order, their values slices of one copy of the packet.
/// Parsing never throws: a malformed packet gives a <see cref="RadiusRefusal"/>. Whether the packet is authentic is
/// <see cref="RadiusAuthenticator.VerifyReply"/>'s question, asked on <see cref="Bytes"/>.
/// </summary>
public sealed class RadiusPacket
{
    private RadiusPacket(byte[] bytes, List<RadiusAttribute> attributes, int messageAuthenticatorOffset, int unknown)
    {
        Bytes = bytes;
        Attributes = attributes;
        MessageAuthenticatorOffset = messageAuthenticatorOffset;
        UnknownAttributes = unknown;
    }

    /// <summary>The packet as received, exactly Length octets.</summary>
    public byte[] Bytes { get; }

    public RadiusCode Code => (RadiusCode)Bytes[0];

    public byte Identifier => Bytes[1];

    public ReadOnlyMemory<byte> Authenticator => Bytes.AsMemory(4, RadiusConstants.AuthenticatorLength);

    public IReadOnlyList<RadiusAttribute> Attributes { get; }

    /// <summary>Offset of the Message-Authenticator's value in <see cref="Bytes"/>, or -1 when there is none.</summary>
    public int MessageAuthenticatorOffset { get; }

    /// <summary>Attributes of a type this client does not know (ignored: RFC 2865 §5 lets a client do so).</summary>
    public int UnknownAttributes { get; }

    public static bool TryParse(ReadOnlySpan<byte> datagram, out RadiusPacket? packet, out RadiusRefusal refusal)
    {
        packet = null;
        if (!RadiusReader.TryCreate(datagram, out var reader, out refusal))
        {
            return false;
        }

        var bytes = reader.Packet.ToArray();
        var attributes = new List<RadiusAttribute>();
        var messageAuthenticator = -1;
        var unknown = 0;
        while (reader.TryRead(out var type, out var value, out var offset, out refusal))
        {
            var t = (RadiusAttributeType)type;
            if (!Enum.IsDefined(t))
            {
                unknown++;
            }
            else if (!HasValidLength(t, value))
            {
                refusal = RadiusRefusal.BadAttributeLength;
                return false;
            }

            if (t == RadiusAttributeType.MessageAuthenticator)
            {
                // RFC 3579 §3.2: a packet carries at most one; a second would leave open which one was checked.
                if (messageAuthenticator >= 0)
                {
                    refusal = RadiusRefusal.BadAttributeLength;
                    return false;
                }

                messageAuthenticator = offset;
            }

            attributes.Add(new RadiusAttribute(t, bytes.AsMemory(offset, value.Length)));
        }

        if (refusal != RadiusRefusal.None)
        {
            return false;
        }

        packet = new RadiusPacket(bytes, attributes, messageAuthenticator, unknown);
        return true;
    }

    /// <summary>The first attribute of <paramref name="type"/>, if any.</summary>
    public RadiusAttribute? Find(RadiusAttributeType type)
    {
        foreach (var a in Attributes)
        {
            if (a.Type == type)
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>Every attribute of <paramref name="type"/>, in order.</summary>
    public IEnumerable<RadiusAttribute> FindAll(RadiusAttributeType type) => Attributes.Where(a => a.Type == type);

    /// <summary>The values of every attribute of <paramref name="type"/> concatenated in packet order, or null when there
    /// is none: EAP-Message reassembled (RFC 3579 §3.1: "the EAP packet is the concatenation of the EAP-Message
    /// attributes' values").</summary>
    public byte[]? Concatenated(RadiusAttributeType type)
    {
        var total = 0;
        var any = false;
        foreach (var a in Attributes)
        {
            if (a.Type == type)
            {
                total += a.Value.Length;
                any = true;
            }
        }

        if (!any)
        {
            return null;
        }

        var result = new byte[total];
        var at = 0;
        foreach (var a in Attributes)
        {
            if (a.Type == type)
            {
                a.Value.Span.CopyTo(result.AsSpan(at));
                at += a.Value.Length;
            }
        }

        return result;
    }

    /// <summary>The data of the first Vendor-Specific sub-attribute of <paramref name="vendorId"/>/<paramref name="vendorType"/>.</summary>
    public ReadOnlyMemory<byte>? FindVendor(uint vendorId, byte vendorType)
    {
        foreach (var a in Attributes)
        {
            if (a.TryGetVendor(out var id, out var t, out var data) && id == vendorId && t == vendorType)
            {
                return data;
            }
        }

        return null;
    }

    // RFC 2865 §5: "address" and "integer" are 4 octets; "text"/"string" 1-253. RFC 3579 §3.2: Message-Authenticator
    // is 16 octets. A value of the wrong size in one of those is a broken packet, not an attribute to skip.
    private static bool HasValidLength(RadiusAttributeType type, ReadOnlySpan<byte> value) => type switch
    {
        RadiusAttributeType.MessageAuthenticator or RadiusAttributeType.FramedIpv6Address => value.Length == 16,
        RadiusAttributeType.FramedIpAddress or RadiusAttributeType.FramedIpNetmask or RadiusAttributeType.NasIpAddress
            or RadiusAttributeType.SessionTimeout or RadiusAttributeType.IdleTimeout or RadiusAttributeType.AcctInterimInterval
            or RadiusAttributeType.ServiceType or RadiusAttributeType.FramedProtocol or RadiusAttributeType.FramedMtu
            or RadiusAttributeType.TerminationAction => value.Length == 4,
        RadiusAttributeType.VendorSpecific => value.Length >= 5,
        _ => value.Length >= 1 || type is RadiusAttributeType.ReplyMessage,
    };
}
