using System.Net;
using System.Text;

namespace Concentrator.Server.Radius;

/// <summary>Turns an authentic Access-Accept/Reject/Challenge into an <see cref="AccessReply"/>, decrypting the MPPE
/// keys with the request's authenticator.</summary>
internal static class AccessReplyReader
{
    public static RadiusRefusal TryRead(RadiusPacket packet, long correlationId, IPEndPoint server, ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> requestAuthenticator, out AccessReply? reply)
    {
        reply = null;
        var result = packet.Code switch
        {
            RadiusCode.AccessAccept => AccessResult.Accept,
            RadiusCode.AccessReject => AccessResult.Reject,
            _ => AccessResult.Challenge,
        };
        byte[]? send = null;
        byte[]? recv = null;
        if (packet.FindVendor(RadiusConstants.VendorMicrosoft, (byte)MicrosoftAttributeType.MsMppeSendKey) is { } s
            && !MppeKey.TryDecrypt(s.Span, secret, requestAuthenticator, out send))
        {
            return RadiusRefusal.BadMppeKey;
        }

        if (packet.FindVendor(RadiusConstants.VendorMicrosoft, (byte)MicrosoftAttributeType.MsMppeRecvKey) is { } r
            && !MppeKey.TryDecrypt(r.Span, secret, requestAuthenticator, out recv))
        {
            return RadiusRefusal.BadMppeKey;
        }

        var messages = packet.FindAll(RadiusAttributeType.ReplyMessage).Select(a => Encoding.UTF8.GetString(a.Value.Span)).ToList();
        reply = new AccessReply(correlationId, result, server)
        {
            EapMessage = packet.Concatenated(RadiusAttributeType.EapMessage) ?? ReadOnlyMemory<byte>.Empty,
            State = packet.Find(RadiusAttributeType.State)?.Value.ToArray() ?? ReadOnlyMemory<byte>.Empty,
            Classes = packet.FindAll(RadiusAttributeType.Class).Select(a => (ReadOnlyMemory<byte>)a.Value.ToArray()).ToList(),
            SendKey = send,
            RecvKey = recv,
            FramedIpAddress = packet.Find(RadiusAttributeType.FramedIpAddress)?.AsAddress(),
            FramedIpv6Address = packet.Find(RadiusAttributeType.FramedIpv6Address)?.AsIpv6Address(),
            FramedIpv6Prefix = packet.Find(RadiusAttributeType.FramedIpv6Prefix)?.AsIpv6Prefix(),
            SessionTimeout = Seconds(packet.Find(RadiusAttributeType.SessionTimeout)),
            InterimInterval = Seconds(packet.Find(RadiusAttributeType.AcctInterimInterval)),
            ReplyMessage = messages.Count == 0 ? null : string.Concat(messages),
        };
        return RadiusRefusal.None;
    }

    private static TimeSpan? Seconds(RadiusAttribute? attribute) =>
        attribute?.AsInteger() is { } n ? TimeSpan.FromSeconds(n) : null;
}
