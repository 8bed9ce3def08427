using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Server.Sa;

/// <summary>
/// The first message of a new IKE SA, checked before anything is spawned for it: it must parse with the codec
/// (<see cref="IkeMessage.Parse"/>) and be an IKE_SA_INIT request that <see cref="MessageRules"/> accepts (one SA,
/// KE and Nonce payload). Anything else is dropped without state; answering it would help a prober, not a client.
/// </summary>
public static class FirstRequest
{
    /// <summary>The parsed request, or null with <paramref name="problem"/> saying why it is not one.</summary>
    public static IkeMessage? TryRead(ReadOnlyMemory<byte> datagram, out string? problem)
    {
        IkeMessage message;
        try
        {
            message = IkeMessage.Parse(datagram);
            MessageRules.Validate(message);
        }
        catch (IkeProtocolException e)
        {
            problem = e.Message;
            return null;
        }

        // RFC 7296 §2.2, §3.1: the first request of an IKE SA is IKE_SA_INIT with Message ID 0 and a zero responder
        // SPI, sent by the original initiator (I flag), whose SPI "MUST NOT be zero".
        if (message.ExchangeType != ExchangeType.IkeSaInit || message.IsResponse || !message.IsFromInitiator
            || message.MessageId != 0 || message.ResponderSpi != 0 || message.InitiatorSpi == 0)
        {
            problem = $"not a first IKE_SA_INIT request ({message.ExchangeType}, flags {message.Flags}, Message ID {message.MessageId})";
            return null;
        }

        problem = null;
        return message;
    }
}
