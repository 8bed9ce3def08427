using System.Buffers;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Encoding;

/// <summary>
/// A whole IKE message: the header fields and the payload chain. <see cref="Parse"/> keeps everything needed to
/// write the same octets back (payload order, critical and reserved bits, unknown payloads, sealed SK bodies);
/// <see cref="Encode"/> writes them. RESERVED fields inside payload bodies (and the R bit of configuration
/// attributes) are written as zero: RFC 7296 §3.2 has them sent as zero and ignored on receipt, so only a peer
/// breaking that rule gets back different octets. Encrypted messages: see IkeMessage.Encryption.cs.
/// </summary>
public sealed partial class IkeMessage
{
    public IkeMessage()
    {
    }

    public IkeMessage(ExchangeType exchangeType, ulong initiatorSpi, ulong responderSpi, uint messageId, IkeHeaderFlags flags)
    {
        ExchangeType = exchangeType;
        InitiatorSpi = initiatorSpi;
        ResponderSpi = responderSpi;
        MessageId = messageId;
        Flags = flags;
    }

    /// <summary>
    /// A response to this request: same SPIs, exchange type and Message ID, the R flag set, and the I flag set when
    /// the responder of this exchange is the original initiator of the IKE SA (RFC 7296 §3.1: the I flag names the
    /// original initiator, the R flag marks responses, and a response carries the request's Message ID).
    /// </summary>
    public IkeMessage CreateResponse(bool senderIsOriginalInitiator) => new(
        ExchangeType, InitiatorSpi, ResponderSpi, MessageId,
        IkeHeaderFlags.Response | (senderIsOriginalInitiator ? IkeHeaderFlags.Initiator : IkeHeaderFlags.None));

    public ulong InitiatorSpi { get; set; }

    public ulong ResponderSpi { get; set; }

    /// <summary>MjVer/MnVer octet; RFC 7296 §3.1: 2.0 is sent, a higher minor version MUST be ignored.</summary>
    public byte Version { get; set; } = IkeConstants.Version2;

    public ExchangeType ExchangeType { get; set; }

    /// <summary>The flags octet as received, reserved bits included.</summary>
    public IkeHeaderFlags Flags { get; set; }

    public uint MessageId { get; set; }

    /// <summary>The payloads as they appear on the wire; an SK/SKF payload, if any, is last.</summary>
    public List<Payload> Payloads { get; } = new(8);

    /// <summary>The datagram this message was parsed from (empty for messages built locally).</summary>
    public ReadOnlyMemory<byte> Raw { get; private set; }

    /// <summary>Offset in <see cref="Raw"/> of the SK/SKF payload's header, or -1.</summary>
    private int _encryptedOffset = -1;

    public bool IsResponse => (Flags & IkeHeaderFlags.Response) != 0;

    /// <summary>Sent by the original initiator of the IKE SA (I flag).</summary>
    public bool IsFromInitiator => (Flags & IkeHeaderFlags.Initiator) != 0;

    public IkeHeader Header => new(InitiatorSpi, ResponderSpi, PayloadChain.FirstType(Payloads), Version,
        ExchangeType, Flags, MessageId, 0);

    /// <summary>
    /// Parses a datagram. Fails with <see cref="IkeProtocolException"/> only: INVALID_MAJOR_VERSION,
    /// UNSUPPORTED_CRITICAL_PAYLOAD (with the payload type as data) or INVALID_SYNTAX. Payload models keep
    /// slices of <paramref name="datagram"/>, which must not be reused while the message is in use.
    /// </summary>
    public static IkeMessage Parse(ReadOnlyMemory<byte> datagram)
    {
        IkeHeader header = IkeHeader.Read(datagram.Span);
        var message = new IkeMessage
        {
            InitiatorSpi = header.InitiatorSpi,
            ResponderSpi = header.ResponderSpi,
            Version = header.Version,
            ExchangeType = header.ExchangeType,
            Flags = header.Flags,
            MessageId = header.MessageId,
            Raw = datagram,
        };
        int encryptedOffset = PayloadChain.Parse(datagram.Slice(IkeConstants.HeaderLength), header.NextPayload,
            allowEncrypted: true, message.Payloads);
        message._encryptedOffset = encryptedOffset < 0 ? -1 : IkeConstants.HeaderLength + encryptedOffset;
        return message;
    }

    /// <summary>Writes the message into <paramref name="destination"/> and returns its length. SK payloads are
    /// written with their sealed body as received; to seal new content use <see cref="EncodeEncrypted"/>.</summary>
    public int Encode(Span<byte> destination)
    {
        var writer = new IkeWriter(destination);
        Header.WriteWithoutLength(ref writer);
        using (writer.BeginLength32(0))
        {
            PayloadChain.Write(ref writer, Payloads);
        }

        return writer.Position;
    }

    /// <summary>The encoded message in a new array of its exact length.</summary>
    public byte[] ToArray()
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(CodecLimits.MaxMessageLength);
        try
        {
            int length = Encode(scratch);
            return scratch.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The payloads the exchange logic works with: the unencrypted ones followed by the decrypted content of the
    /// SK payload (once <see cref="TryDecrypt"/> succeeded, or as built for sending).
    /// </summary>
    public IReadOnlyList<Payload> Content
    {
        get
        {
            if (Payloads.Count == 0 || Payloads[^1] is not EncryptedPayload { Inner: { } inner })
            {
                return Payloads;
            }

            if (Payloads.Count == 1)
            {
                return inner;
            }

            var all = new List<Payload>(Payloads.Count - 1 + inner.Count);
            all.AddRange(Payloads.Take(Payloads.Count - 1));
            all.AddRange(inner);
            return all;
        }
    }

    /// <summary>The first payload of type <typeparamref name="T"/> in <see cref="Content"/>.</summary>
    public T? Get<T>() where T : Payload
    {
        foreach (Payload payload in Content)
        {
            if (payload is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Every payload of type <typeparamref name="T"/> in <see cref="Content"/>.</summary>
    public IEnumerable<T> GetAll<T>() where T : Payload => Content.OfType<T>();

    /// <summary>The first Notify of <paramref name="type"/> in <see cref="Content"/>.</summary>
    public NotifyPayload? GetNotify(NotifyType type)
    {
        foreach (Payload payload in Content)
        {
            if (payload is NotifyPayload notify && notify.NotifyType == type)
            {
                return notify;
            }
        }

        return null;
    }

    public override string ToString() =>
        $"{ExchangeType} {(IsResponse ? "response" : "request")} {MessageId} [{string.Join(' ', Content.Select(p => p.Type))}]";
}
