namespace Concentrator.Ike;

/// <summary>
/// A peer's message broke an IKEv2 rule. <see cref="Notify"/> is the Notify type the RFC prescribes for the
/// answer (RFC 7296 §2.21); whether it is sent or the message is silently dropped is the caller's decision.
/// </summary>
public sealed class IkeProtocolException : Exception
{
    public IkeProtocolException(NotifyType notify, string message)
        : base(message) => Notify = notify;

    public IkeProtocolException(NotifyType notify, string message, Exception inner)
        : base(message, inner) => Notify = notify;

    public IkeProtocolException()
        : this(NotifyType.InvalidSyntax, "invalid IKEv2 message") { }

    public IkeProtocolException(string message)
        : this(NotifyType.InvalidSyntax, message) { }

    public IkeProtocolException(string message, Exception inner)
        : this(NotifyType.InvalidSyntax, message, inner) { }

    /// <summary>Builds the exception with the Notification Data the answer carries, e.g. the one-octet
    /// payload type of UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §2.5).</summary>
    public IkeProtocolException(NotifyType notify, string message, ReadOnlyMemory<byte> notifyData)
        : base(message)
    {
        Notify = notify;
        NotifyData = notifyData;
    }

    public NotifyType Notify { get; }

    /// <summary>The Notification Data for the answer; empty for most types.</summary>
    public ReadOnlyMemory<byte> NotifyData { get; }
}
