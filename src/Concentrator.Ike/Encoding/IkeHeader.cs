using System.Buffers.Binary;

namespace Concentrator.Ike.Encoding;

/// <summary>
/// The fixed IKE header (RFC 7296 §3.1), readable on its own so a socket can route a datagram by SPI before
/// anything else is parsed.
/// <code>
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       IKE SA Initiator's SPI                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       IKE SA Responder's SPI                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          Message ID                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                            Length                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly record struct IkeHeader(
    ulong InitiatorSpi,
    ulong ResponderSpi,
    PayloadType NextPayload,
    byte Version,
    ExchangeType ExchangeType,
    IkeHeaderFlags Flags,
    uint MessageId,
    uint Length)
{
    public bool IsResponse => (Flags & IkeHeaderFlags.Response) != 0;

    /// <summary>Set in messages sent by the original initiator of the IKE SA.</summary>
    public bool IsFromInitiator => (Flags & IkeHeaderFlags.Initiator) != 0;

    /// <summary>The SPI the receiver of this message chose: the responder's SPI when the original initiator sent it,
    /// else the initiator's (RFC 7296 §2.6: each side picks the SPI it is known by). Zero in an IKE_SA_INIT request.</summary>
    public ulong ReceiverSpi => IsFromInitiator ? ResponderSpi : InitiatorSpi;

    private bool IsVersion2 => Version >> 4 == IkeConstants.MajorVersion;

    /// <summary>
    /// Reads and checks the header of <paramref name="datagram"/>: at least 28 octets, major version 2, and a
    /// Length equal to the datagram's length. RFC 7296 §3.1 defines Length as the length of the total message
    /// (header + payloads); a datagram longer or shorter than that is refused with INVALID_SYNTAX rather than
    /// truncated or padded, since either way some octets would be left outside the authenticated message.
    /// (The non-ESP marker of port 4500 is removed by the socket before this is called.)
    /// </summary>
    public static IkeHeader Read(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < IkeConstants.HeaderLength)
        {
            ThrowHelper.ThrowInvalidSyntax($"datagram of {datagram.Length} octets is shorter than the IKE header");
        }

        IkeHeader header = ReadFields(datagram);

        // RFC 7296 §2.5 / §3.1: a message with a major version other than 2 is not IKEv2; the answer (if any) is
        // INVALID_MAJOR_VERSION.
        if (!header.IsVersion2)
        {
            ThrowHelper.ThrowInvalidMajorVersion(header.Version);
        }

        if (header.Length != (uint)datagram.Length)
        {
            ThrowHelper.ThrowInvalidSyntax($"IKE header Length {header.Length} but datagram of {datagram.Length} octets");
        }

        return header;
    }

    /// <summary>
    /// The same header without exceptions, for a socket sorting every datagram it receives: false (and a default
    /// header) when <paramref name="data"/> is shorter than 28 octets, the major version is not 2, or Length is
    /// shorter than the header or longer than <paramref name="data"/>. Octets after Length are not refused here:
    /// the caller keeps the <see cref="Length"/> octets that are the message and drops the rest.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out IkeHeader header)
    {
        if (data.Length >= IkeConstants.HeaderLength)
        {
            header = ReadFields(data);
            if (header.IsVersion2 && header.Length >= IkeConstants.HeaderLength && header.Length <= (uint)data.Length)
            {
                return true;
            }
        }

        header = default;
        return false;
    }

    /// <summary>Writes the first 24 octets; the caller writes Length (usually through a length scope).</summary>
    internal void WriteWithoutLength(ref IkeWriter writer)
    {
        writer.WriteUInt64(InitiatorSpi);
        writer.WriteUInt64(ResponderSpi);
        writer.WriteByte((byte)NextPayload);
        writer.WriteByte(Version);
        writer.WriteByte((byte)ExchangeType);
        writer.WriteByte((byte)Flags);
        writer.WriteUInt32(MessageId);
    }

    /// <summary>The fields in diagram order; <paramref name="data"/> holds at least 28 octets.</summary>
    private static IkeHeader ReadFields(ReadOnlySpan<byte> data) => new(
        BinaryPrimitives.ReadUInt64BigEndian(data),
        BinaryPrimitives.ReadUInt64BigEndian(data.Slice(8)),
        (PayloadType)data[16],
        data[17],
        (ExchangeType)data[18],
        (IkeHeaderFlags)data[19],
        BinaryPrimitives.ReadUInt32BigEndian(data.Slice(20)),
        BinaryPrimitives.ReadUInt32BigEndian(data.Slice(24)));
}
