namespace Concentrator.Ike.Auth.Eap;

/// <summary>What an EAP server (a local method or a backend such as RADIUS) answers to one step of the
/// conversation: another request for the peer, the end (with the MSK or not), or "pending": the answer comes later
/// from elsewhere (a RADIUS round trip), carried by <see cref="Pending.Relay"/> to whoever can produce it.</summary>
public abstract record EapStep
{
    private EapStep()
    {
    }

    /// <summary>The next EAP Request for the peer (a whole packet, RFC 3748 §4).</summary>
    public sealed record Request(byte[] Message) : EapStep;

    /// <summary>The peer is authenticated; <paramref name="Msk"/> is the method's Master Session Key (RFC 3748
    /// §7.10), null for methods without one (EAP-MD5): AUTH then uses SK_pi/SK_pr (RFC 7296 §2.16).
    /// <paramref name="Identity"/>: the identity the method authenticated (the EAP identity), when it knows one.</summary>
    public sealed record Success(byte[]? Msk, string? Identity = null) : EapStep
    {
        /// <summary>The virtual IPs the backend assigned, at most one per family (RADIUS Framed-IP-Address,
        /// Framed-IPv6-Address): asked of the pool instead of the peer's wish; none leaves the choice to the pool.</summary>
        public IReadOnlyList<System.Net.IPAddress> Addresses { get; init; } = [];

        /// <summary>The backend's own record of the session (e.g. what RADIUS granted, for accounting), kept on the
        /// IKE SA as <c>IkeSa.EapBackend</c>; opaque here.</summary>
        public object? Backend { get; init; }
    }

    /// <summary>The peer is not authenticated; <paramref name="Reason"/> is for the log (never a secret).</summary>
    public sealed record Failure(string Reason) : EapStep;

    /// <summary>The response is malformed within the method (e.g. an EAP-TLS length that lies): dropped as RFC 3748
    /// §4.1 has invalid packets silently discarded, the last request still outstanding; <paramref name="Reason"/> is
    /// counted and logged.</summary>
    public sealed record Discard(string Reason) : EapStep;

    /// <summary>The answer is not known here: the host sends <paramref name="Relay"/> to the backend and hands its
    /// answer back (<c>IkeSaSession.OnEapReply</c>), which is then another <see cref="EapStep"/>.</summary>
    public sealed record Pending(object Relay) : EapStep;
}
