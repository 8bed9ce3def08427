using System.Net;
using System.Net.Sockets;

namespace Concentrator.Ike.Encoding.Payloads;

/// <summary>RFC 5685 §8.2 (registry in §11): the Gateway Identity Type of a REDIRECT or REDIRECTED_FROM notify.</summary>
public enum GatewayIdentityType : byte
{
    Ipv4 = 1,
    Ipv6 = 2,
    Fqdn = 3,
}

/// <summary>
/// The Notification Data of REDIRECT (RFC 5685 §8.2) and REDIRECTED_FROM (§8.3): the gateway's identity and, in a
/// REDIRECT sent in an IKE_SA_INIT response only, the Nonce Data of the initiator's request, which lets the client
/// tell the REDIRECT from one an attacker made up without seeing the request. REDIRECT_SUPPORTED (§8.1) has no data.
/// </summary>
public sealed record RedirectNotifyData(GatewayIdentityType IdentityType, ReadOnlyMemory<byte> Identity, ReadOnlyMemory<byte> Nonce)
{
    /// <summary>The gateway as an address (IPv4 or IPv6 identity types), null for an FQDN.</summary>
    public IPAddress? Address => IdentityType is GatewayIdentityType.Ipv4 or GatewayIdentityType.Ipv6 ? new IPAddress(Identity.Span) : null;

    /// <summary>The data naming <paramref name="gateway"/> (and, for an IKE_SA_INIT response, carrying <paramref name="nonce"/>).</summary>
    public static RedirectNotifyData For(IPAddress gateway, ReadOnlyMemory<byte> nonce = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var type = gateway.AddressFamily == AddressFamily.InterNetworkV6 ? GatewayIdentityType.Ipv6 : GatewayIdentityType.Ipv4;
        return new RedirectNotifyData(type, gateway.GetAddressBytes(), nonce);
    }

    //                      1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | Next Payload  |C|  RESERVED   |         Payload Length        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Protocol ID(=0)| SPI Size (=0) |      Notify Message Type      |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // | GW Ident Type |  GW Ident Len |                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               ~
    // ~                   New Responder GW Identity                   ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                                                               |
    // ~                        Nonce Data                             ~
    // |                                                               |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // (REDIRECTED_FROM: the same without Nonce Data, the identity being the original responder's.)
    /// <summary>Parses the Notification Data (what follows the Notify Message Type).</summary>
    public static RedirectNotifyData Parse(ReadOnlyMemory<byte> data)
    {
        var reader = new IkeReader(data);
        var type = (GatewayIdentityType)reader.ReadByte();
        int length = reader.ReadByte();
        ReadOnlyMemory<byte> identity = reader.ReadMemory(length);
        ReadOnlyMemory<byte> nonce = reader.ReadRemaining();
        reader.ReadEnd();
        var expected = type switch
        {
            GatewayIdentityType.Ipv4 => 4,
            GatewayIdentityType.Ipv6 => 16,
            GatewayIdentityType.Fqdn => length,
            _ => ThrowHelper.ThrowInvalidSyntax<int>($"gateway identity type {(byte)type}"),
        };
        if (length != expected || length == 0)
        {
            ThrowHelper.ThrowInvalidSyntax($"{type} gateway identity of {length} octets");
        }

        // RFC 5685 §8.2 carries the nonce of the IKE_SA_INIT request (RFC 7296 §3.9: 16-256 octets) or none at all.
        if (nonce.Length != 0 && nonce.Length is < IkeConstants.MinNonceLength or > IkeConstants.MaxNonceLength)
        {
            ThrowHelper.ThrowInvalidSyntax($"REDIRECT nonce data of {nonce.Length} octets");
        }

        return new RedirectNotifyData(type, identity, nonce);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[2 + Identity.Length + Nonce.Length];
        var writer = new IkeWriter(bytes);
        writer.WriteByte((byte)IdentityType);
        writer.WriteByte(checked((byte)Identity.Length));
        writer.WriteBytes(Identity.Span);
        writer.WriteBytes(Nonce.Span);
        return bytes;
    }
}
