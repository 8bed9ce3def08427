namespace Concentrator.Ike.Sa;

/// <summary>Where an IKE SA is in its life.</summary>
public enum IkeSaState
{
    /// <summary>Nothing exchanged yet.</summary>
    Created,

    /// <summary>IKE_SA_INIT done (keys derived), authentication pending.</summary>
    Connecting,

    /// <summary>IKE_AUTH done: both peers authenticated.</summary>
    Established,

    /// <summary>A Delete for the IKE SA was sent and awaits its response.</summary>
    Deleting,

    /// <summary>Deleted by either side; the caller releases it.</summary>
    Deleted,

    /// <summary>Setup failed (NO_PROPOSAL_CHOSEN, AUTHENTICATION_FAILED, cookie or KE round answered, …); the
    /// caller releases it.</summary>
    Failed,
}

/// <summary>Why a datagram got no answer. The caller counts these; none of them is an exception.</summary>
public enum DropReason
{
    None,

    /// <summary>The octets are not a well-formed IKEv2 message (header or payload chain).</summary>
    Malformed,

    /// <summary>The SPIs in the header are not this SA's.</summary>
    WrongSpi,

    /// <summary>The message does not fit the SA's state (e.g. IKE_AUTH before IKE_SA_INIT).</summary>
    WrongState,

    /// <summary>RFC 7296 §2.3: a request whose Message ID is outside the window, or a response to no request.</summary>
    OutOfWindow,

    /// <summary>RFC 7296 §2.21.2: the Encrypted payload's integrity check failed.</summary>
    IntegrityCheckFailed,

    /// <summary>RFC 7383: a fragment was stored; the message is not complete yet.</summary>
    FragmentPending,

    /// <summary>An unprotected message broke the exchange rules (RFC 7296 §2.21.1: no answer to those).</summary>
    InvalidUnprotected,

    /// <summary>RFC 3748 §4.1: an EAP response with the wrong Identifier or out of order, silently discarded.</summary>
    EapDiscarded,

    /// <summary>A request again while its answer waits for the EAP backend (no response exists to resend yet).</summary>
    EapPending,
}

/// <summary>What processing a datagram (or starting an exchange) produced.</summary>
/// <param name="Outbound">Datagrams to send to <see cref="IkeSa.RemoteEndpoint"/>, in order (more than one only
/// when fragmented).</param>
/// <param name="Drop">Why nothing was sent, or <see cref="DropReason.None"/>.</param>
/// <param name="Detail">A log line for a drop or a failure.</param>
/// <param name="NewChildSas">CHILD SAs completed by this message (already handed to
/// <see cref="IkeSaServices.InstallChildSa"/>).</param>
public sealed record IkeSaResult(
    IReadOnlyList<byte[]> Outbound,
    DropReason Drop,
    string? Detail,
    IReadOnlyList<ChildSa> NewChildSas)
{
    public static IkeSaResult Dropped(DropReason reason, string detail) => new([], reason, detail, []);

    public static IkeSaResult Nothing { get; } = new([], DropReason.None, null, []);

    public bool IsDropped => Drop != DropReason.None;

    /// <summary>The IKE SA that replaced this one in the exchange just processed (an IKE SA rekey, RFC 7296
    /// §2.18): it carries the CHILD SAs and virtual IPs from now on; this one only waits for its Delete.</summary>
    public IkeSa? Rekeyed { get; init; }

    /// <summary>The stored response resent for a retransmitted request (RFC 7296 §2.1). The request may be a replay
    /// by anyone on the path, so it says nothing about the peer being alive or where it is now: the caller sends
    /// the answer and changes nothing else (no liveness, no socket).</summary>
    public bool Retransmitted { get; init; }

    /// <summary>The answer waits for the EAP backend: the host relays this (<see cref="IkeSaEffect.RelayEap"/>) and
    /// hands the reply to <see cref="IkeSa.ResumeEap"/>.</summary>
    public object? EapRelay { get; init; }

    /// <summary>The single datagram to send, or null.</summary>
    public byte[]? Message => Outbound.Count > 0 ? Outbound[0] : null;
}
