using System.Runtime.InteropServices;
using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.NetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>Parses NLMSG_ERROR (acks and errors) including the extended ack (NETLINK_EXT_ACK).</summary>
internal static class NetlinkErrors
{
    /// <summary>
    /// struct nlmsgerr: error (negative errno, 0 = ack), the request's nlmsghdr, the request payload unless
    /// NLM_F_CAPPED, and when NLM_F_ACK_TLVS the NLMSGERR_ATTR_* attributes; we keep NLMSGERR_ATTR_MSG.
    /// </summary>
    public static KernelResult Parse(NetlinkMessage message, out uint requestSeq)
    {
        var err = message.Fixed<nlmsgerr>();
        requestSeq = err.msg.nlmsg_seq;
        string? extAck = null;
        if ((message.Header.nlmsg_flags & NLM_F_ACK_TLVS) != 0)
        {
            var headerSize = Marshal.SizeOf<nlmsgerr>();
            var tlvStart = (message.Header.nlmsg_flags & NLM_F_CAPPED) != 0
                ? headerSize
                : 4 + NetlinkConstants.Align((int)err.msg.nlmsg_len);
            if (tlvStart <= message.Payload.Length)
            {
                extAck = ExtAckMessage(message.Payload[tlvStart..]);
            }
        }

        return KernelResult.FromNlmsgerr(err.error, extAck);
    }

    /// <summary>
    /// The NLMSGERR_ATTR_MSG text among extended-ack attributes (after an nlmsgerr, or after the int error of
    /// the NLMSG_DONE that ends a failed dump); null when there is none.
    /// </summary>
    /// <exception cref="NetlinkParseException">An attribute is cut short.</exception>
    public static string? ExtAckMessage(ReadOnlySpan<byte> attributes)
    {
        string? text = null;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            if (a.Type == NLMSGERR_ATTR_MSG)
            {
                text = a.String;
            }
        }

        return text;
    }
}
