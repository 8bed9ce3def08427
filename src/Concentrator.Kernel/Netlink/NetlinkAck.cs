using System.Buffers.Binary;
using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.NetlinkConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// The few nlmsghdr facts the writer needs to route replies, and the NLMSG_ERROR reader. Layout
/// (linux/netlink.h): nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid } in host order, then for
/// NLMSG_ERROR struct nlmsgerr { int error; nlmsghdr msg; } followed by the rest of the request unless
/// NLM_F_CAPPED, then extended-ack attributes when NLM_F_ACK_TLVS.
/// </summary>
internal static class NetlinkAck
{
    public const int HeaderLength = 16;

    public static int Align(int length) => NetlinkConstants.Align(length);

    public static uint Length(ReadOnlySpan<byte> m) => BinaryPrimitives.ReadUInt32LittleEndian(m);

    public static ushort Type(ReadOnlySpan<byte> m) => BinaryPrimitives.ReadUInt16LittleEndian(m[4..]);

    public static ushort Flags(ReadOnlySpan<byte> m) => BinaryPrimitives.ReadUInt16LittleEndian(m[6..]);

    public static uint Sequence(ReadOnlySpan<byte> m) => BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);

    /// <summary>Stamps what the writer owns in a request header: seq, pid 0, NLM_F_REQUEST (+ NLM_F_ACK).</summary>
    public static void Stamp(Span<byte> m, uint sequence, bool ack)
    {
        ushort flags = (ushort)(Flags(m) | NLM_F_REQUEST | (ack ? NLM_F_ACK : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(m[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(m[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(m[12..], 0);
    }

    /// <summary>
    /// The errno (positive) and NLMSGERR_ATTR_MSG text of an NLMSG_ERROR (via <see cref="NetlinkErrors"/>), or
    /// of the NLMSG_DONE that ends a failed dump, whose payload is the int error followed directly by the
    /// extended-ack attributes.
    /// </summary>
    public static KernelResult ReadError(ReadOnlySpan<byte> message)
    {
        var payload = message[HeaderLength..];
        if (payload.Length < 4 || BinaryPrimitives.ReadInt32LittleEndian(payload) == 0)
        {
            return default;
        }

        int error = BinaryPrimitives.ReadInt32LittleEndian(payload);
        try
        {
            if (Type(message) == NLMSG_ERROR)
            {
                foreach (var m in new NetlinkMessageReader(message))
                {
                    return NetlinkErrors.Parse(m, out _);
                }
            }
            else if ((Flags(message) & NLM_F_ACK_TLVS) != 0)
            {
                return KernelResult.FromNlmsgerr(error, NetlinkErrors.ExtAckMessage(payload[4..]));
            }
        }
        catch (NetlinkParseException)
        {
            // Cut short: the errno is still good, the text is lost.
        }

        return KernelResult.FromNlmsgerr(error, null);
    }
}
