using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>IKE_SA_INIT requests built with the codec, as a flood or an honest initiator would send them.</summary>
internal static class InitRequests
{
    public static IkeMessage Message(ulong spiI, byte[]? cookie = null, byte nonceByte = 7)
    {
        var m = new IkeMessage(ExchangeType.IkeSaInit, spiI, 0, 0, IkeHeaderFlags.Initiator);
        if (cookie is not null)
        {
            // RFC 7296 §2.6: the COOKIE comes first.
            m.Payloads.Add(new NotifyPayload(NotifyType.Cookie, cookie));
        }

        m.Payloads.Add(new SaPayload([.. ProposalStrings.Parse(ProtocolId.Ike, "aes256gcm16-prfsha256-x25519")]));
        m.Payloads.Add(new KePayload(31, new byte[32]));
        m.Payloads.Add(new NoncePayload(Enumerable.Repeat(nonceByte, 32).ToArray()));
        return m;
    }

    public static byte[] Bytes(ulong spiI, byte[]? cookie = null) => Message(spiI, cookie).ToArray();

    /// <summary>The encoded message as the receiver sees it (parsed from its octets).</summary>
    public static IkeMessage Parsed(ulong spiI, byte[]? cookie = null) => IkeMessage.Parse(Bytes(spiI, cookie));
}
