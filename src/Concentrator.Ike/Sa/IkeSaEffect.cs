using System.Net;

namespace Concentrator.Ike.Sa;

/// <summary>What an <see cref="IkeSaSession"/> decided, as data: the actor that hosts it carries each one out, in
/// order (a message to the socket, the kernel, the identity registry, a timer, a log line), and decides nothing.</summary>
public abstract record IkeSaEffect
{
    private IkeSaEffect()
    {
    }

    /// <summary>Datagrams from <paramref name="Local"/> to <paramref name="Remote"/>, through the socket of the
    /// peer's latest accepted message, or with <paramref name="ViaArrivalSocket"/> through the one this datagram came in on.</summary>
    public sealed record Send(IPEndPoint Local, IPEndPoint Remote, IReadOnlyList<byte[]> Datagrams, bool ViaArrivalSocket = false) : IkeSaEffect;

    /// <summary>The datagram just processed was accepted: answers and later requests leave through its socket
    /// (after NAT detection that is the port 4500 socket, RFC 7296 §2.23).</summary>
    public sealed record UseArrivalSocket : IkeSaEffect
    {
        public static UseArrivalSocket Instance { get; } = new();
    }

    /// <summary>(Re)starts <paramref name="Timer"/>: after <paramref name="Due"/> the host calls
    /// <see cref="IkeSaSession.OnTimer"/> with it and <paramref name="Token"/>.</summary>
    public sealed record Arm(IkeSaTimer Timer, TimeSpan Due, object? Token = null) : IkeSaEffect;

    public sealed record Cancel(IkeSaTimer Timer) : IkeSaEffect;

    /// <summary>The gateway sent the client of <paramref name="Sa"/> (<paramref name="Identity"/>) to
    /// <paramref name="Gateway"/> with N(REDIRECT): in the IKE_AUTH response (RFC 5685 §6) with
    /// <paramref name="InIkeAuth"/>, else in an INFORMATIONAL of the established SA (§5). For the operator's log.</summary>
    public sealed record Redirected(string Sa, string Identity, IPAddress Gateway, bool InIkeAuth) : IkeSaEffect;

    /// <summary>Puts <paramref name="Child"/> into the kernel under <paramref name="Reqid"/>; with
    /// <paramref name="ReplacesPolicies"/> it takes over the policies of the CHILD SA it rekeys. Answered to
    /// <see cref="IkeSaSession.OnKernelDone"/> or <see cref="IkeSaSession.OnKernelFailed"/> under <paramref name="CorrelationId"/>.</summary>
    public sealed record Install(long CorrelationId, ChildSa Child, uint Reqid, bool ReplacesPolicies) : IkeSaEffect;

    /// <summary>Takes <paramref name="Child"/>, installed under <paramref name="Reqid"/>, out of the kernel.</summary>
    public sealed record Remove(long CorrelationId, ChildSa Child, uint Reqid) : IkeSaEffect;

    /// <summary>Takes every CHILD SA of this IKE SA out of the kernel (nobody waits for the answer).</summary>
    public sealed record RemoveAll(long CorrelationId) : IkeSaEffect;

    /// <summary>The inbound SPI of a CHILD SA that is gone may be drawn again.</summary>
    public sealed record ReleaseChildSpi(uint Spi) : IkeSaEffect;

    /// <summary>Our IKE SPI of an SA that is gone (a rekey's old one) may be drawn again.</summary>
    public sealed record ReleaseIkeSpi(ulong Spi) : IkeSaEffect;

    /// <summary>Asks the identity registry for <paramref name="Identity"/> (strongSwan's uniqueids=replace); its
    /// answer goes to <see cref="IkeSaSession.OnIdentityGranted"/>.</summary>
    public sealed record ClaimIdentity(IkeIdentity Identity, bool InitialContact) : IkeSaEffect;

    /// <summary>The SA completed IKE_AUTH and its CHILD SAs are installed: it is no longer half-open.</summary>
    public sealed record Established(ulong ResponderSpi, IkeIdentity? RemoteIdentity) : IkeSaEffect;

    /// <summary>The SA ends after the datagrams that follow: a new IKE_SA_INIT of its SPIi must get a new SA.</summary>
    public sealed record Ending(ulong ResponderSpi) : IkeSaEffect;

    /// <summary>The SA was established and moves to its home with <paramref name="Outbound"/> still held; the
    /// actor there calls <see cref="IkeSaSession.Arrive"/>.</summary>
    public sealed record HandOver(IReadOnlyList<byte[]> Outbound) : IkeSaEffect;

    /// <summary>Messages put aside while waiting (for the kernel, the identity registry) are due again.</summary>
    public sealed record Unstash : IkeSaEffect
    {
        public static Unstash Instance { get; } = new();
    }

    /// <summary>The SA is over: the host stops (and then calls <see cref="IkeSaSession.OnStopped"/>).</summary>
    public sealed record Stop : IkeSaEffect
    {
        public static Stop Instance { get; } = new();
    }

    /// <summary>The EAP backend is asked <paramref name="Request"/> (a RADIUS Access-Request to be, say); its answer goes
    /// to <see cref="IkeSaSession.OnEapReply"/>. The IKE_AUTH response waits for it.</summary>
    public sealed record RelayEap(object Request) : IkeSaEffect;

    public sealed record Log(IkeSaLogLevel Level, string Text, Exception? Exception = null) : IkeSaEffect;
}

/// <summary>The timers an <see cref="IkeSaSession"/> arms (one of each at a time).</summary>
public enum IkeSaTimer
{
    HalfOpen,
    Retransmit,
    Dpd,
    DpdTimeout,
    IkeLifetime,
    Retire,
    Identity,
    Kernel,

    /// <summary>A client we redirected (RFC 5685) did not delete its IKE SA here within the half-open timeout.</summary>
    Redirected,

    /// <summary>The whole EAP conversation of IKE_AUTH (concentrator.ike.eap-timeout).</summary>
    Eap,

    /// <summary>The gateway's own IKE SA rekey is due (the IKE lifetime less a jitter), or due again after a refusal.</summary>
    IkeRekey,

    /// <summary>The Delete we sent on a rekeyed-away IKE SA is due for retransmission (RFC 7296 §2.1, §2.18).</summary>
    RetiringRetransmit,
}

/// <summary>What an <see cref="IkeSaSession"/> holds its answer for.</summary>
public enum IkeSaWait
{
    None,
    Identity,
    Kernel,
}

public enum IkeSaLogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}
