using System.Net;
using System.Net.Sockets;

namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>Identification payload, IDi or IDr (RFC 7296 §3.5).</summary>
public sealed class IdPayload : Payload
{
    private readonly PayloadType _type;

    /// <param name="initiator">True for IDi, false for IDr.</param>
    /// <param name="idType">The ID Type.</param>
    /// <param name="data">The Identification Data.</param>
    public IdPayload(bool initiator, IdType idType, ReadOnlyMemory<byte> data)
    {
        _type = initiator ? PayloadType.IdInitiator : PayloadType.IdResponder;
        IdType = idType;
        Data = data;
    }

    public override PayloadType Type => _type;

    public bool IsInitiator => _type == PayloadType.IdInitiator;

    public IdType IdType { get; set; }

    public ReadOnlyMemory<byte> Data { get; set; }

    public static IdPayload Fqdn(bool initiator, string fqdn) =>
        new(initiator, IdType.Fqdn, System.Text.Encoding.ASCII.GetBytes(fqdn));

    public static IdPayload Rfc822(bool initiator, string address) =>
        new(initiator, IdType.Rfc822Address, System.Text.Encoding.ASCII.GetBytes(address));

    public static IdPayload Address(bool initiator, IPAddress address) =>
        new(initiator, address.AddressFamily == AddressFamily.InterNetworkV6 ? IdType.Ipv6Address : IdType.Ipv4Address,
            address.GetAddressBytes());

    public static IdPayload KeyId(bool initiator, ReadOnlyMemory<byte> keyId) => new(initiator, IdType.KeyId, keyId);

    public static IdPayload DerAsn1Dn(bool initiator, ReadOnlyMemory<byte> der) => new(initiator, IdType.DerAsn1Dn, der);

    /// <summary>The identity as text for logs and configuration matching (DER and key IDs as hex). Octets of an FQDN
    /// or RFC 822 identity that are not printable ASCII (controls, space, DEL, non-ASCII) are written as \xNN: what
    /// a peer sends never reaches a log raw.</summary>
    public override string ToString() => IdType switch
    {
        IdType.Ipv4Address or IdType.Ipv6Address => new IPAddress(Data.Span).ToString(),
        IdType.Fqdn or IdType.Rfc822Address => Escape(Data.Span),
        IdType.DerAsn1Dn when Auth.Certificates.DistinguishedName.TryFromDer(Data.Span, out Auth.Certificates.DistinguishedName? dn) => dn!.ToString(),
        // strongSwan's text form of an ID_KEY_ID: "@#" and the octets in hex (how remote.id and secrets name one).
        IdType.KeyId => "@#" + Convert.ToHexStringLower(Data.Span),
        _ => $"{IdType}:{Convert.ToHexString(Data.Span)}",
    };

    private static string Escape(ReadOnlySpan<byte> text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (byte b in text)
        {
            if (b is > 0x20 and < 0x7F)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return builder.ToString();
    }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |   ID Type     |                 RESERVED                      |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                   Identification Data                         ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    public static IdPayload Parse(PayloadType type, ReadOnlyMemory<byte> body)
    {
        var reader = new IkeReader(body);
        var idType = (IdType)reader.ReadByte();
        reader.Skip(3); // RESERVED
        ReadOnlyMemory<byte> data = reader.ReadRemaining();
        reader.ReadEnd();

        // RFC 7296 §3.5: ID_IPV4_ADDR is a single four-octet address, ID_IPV6_ADDR a single sixteen-octet one.
        if ((idType == IdType.Ipv4Address && data.Length != 4) || (idType == IdType.Ipv6Address && data.Length != 16))
        {
            ThrowHelper.ThrowInvalidSyntax($"{idType} identity of {data.Length} octets");
        }

        return new IdPayload(type == PayloadType.IdInitiator, idType, data);
    }

    public override void WriteBody(ref IkeWriter writer)
    {
        writer.WriteByte((byte)IdType);
        writer.WriteZeros(3);
        writer.WriteBytes(Data.Span);
    }
}
