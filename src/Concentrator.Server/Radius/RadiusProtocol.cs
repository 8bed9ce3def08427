using System.Net;
using Akka.Actor;

namespace Concentrator.Server.Radius;

/// <summary>
/// Relays one EAP message of <paramref name="UserName"/> to the RADIUS servers (RFC 3579). The answer goes to
/// <paramref name="ReplyTo"/> as <see cref="AccessReply"/> or <see cref="RadiusUnavailable"/>, carrying
/// <paramref name="CorrelationId"/> (the asker's own number; the client never interprets it).
/// <see cref="State"/> is the State of the previous Access-Challenge, echoed unmodified (RFC 2865 §5.24).
/// </summary>
public sealed record AccessRequest(long CorrelationId, IActorRef ReplyTo, string UserName, ReadOnlyMemory<byte> EapMessage)
{
    public ReadOnlyMemory<byte> State { get; init; }

    /// <summary>Called-Station-Id (RFC 2865 §5.30): the gateway's address or name the client connected to.</summary>
    public string? CalledStationId { get; init; }

    /// <summary>Calling-Station-Id (RFC 2865 §5.31): the client's address (and port).</summary>
    public string? CallingStationId { get; init; }

    /// <summary>NAS-Port (RFC 2865 §5.5), e.g. the IKE SA's unique id.</summary>
    public uint? NasPort { get; init; }

    /// <summary>Further attributes sent as given (Framed-MTU for EAP-TLS fragment sizes, …).</summary>
    public IReadOnlyList<RadiusAttribute> Attributes { get; init; } = [];
}

/// <summary>What the server decided (RFC 2865 §4.2-4.4).</summary>
public enum AccessResult
{
    Accept,
    Reject,
    Challenge,
}

/// <summary>
/// An authentic answer to <see cref="AccessRequest"/> <paramref name="CorrelationId"/> (Response Authenticator and
/// Message-Authenticator checked). <see cref="EapMessage"/> is reassembled from its attributes;
/// <see cref="State"/> is to be echoed in the next request; <see cref="Classes"/> are to be echoed in accounting
/// (RFC 2865 §5.25); <see cref="Msk"/> is MS-MPPE-Recv-Key || MS-MPPE-Send-Key (RFC 2548 §2.4.2-3, the order of
/// RFC 5216 §2.3), null when the server sent no keys.
/// </summary>
public sealed record AccessReply(long CorrelationId, AccessResult Result, IPEndPoint Server)
{
    public ReadOnlyMemory<byte> EapMessage { get; init; }

    public ReadOnlyMemory<byte> State { get; init; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Classes { get; init; } = [];

    public byte[]? SendKey { get; init; }

    public byte[]? RecvKey { get; init; }

    public byte[]? Msk => RecvKey is null || SendKey is null ? null : [.. RecvKey, .. SendKey];

    /// <summary>Framed-IP-Address (RFC 2865 §5.8): the address the client is to get, overriding the pool.</summary>
    public IPAddress? FramedIpAddress { get; init; }

    /// <summary>Framed-IPv6-Address (RFC 6911 §3.1): the IPv6 address the client is to get.</summary>
    public IPAddress? FramedIpv6Address { get; init; }

    /// <summary>Framed-IPv6-Prefix (RFC 3162 §2.3): the IPv6 prefix of the client; null when absent or malformed.</summary>
    public IPNetwork? FramedIpv6Prefix { get; init; }

    /// <summary>The IPv6 virtual IP the server assigned: Framed-IPv6-Address, else the first address of
    /// Framed-IPv6-Prefix (the prefix's own address for a /128; one host address, as an IKEv2 client takes one
    /// INTERNAL_IP6_ADDRESS, RFC 7296 §3.15.3).</summary>
    public IPAddress? AssignedIpv6 => FramedIpv6Address ?? (FramedIpv6Prefix is { } p ? FirstAddress(p) : null);

    private static IPAddress FirstAddress(IPNetwork prefix)
    {
        if (prefix.PrefixLength == 128)
        {
            return prefix.BaseAddress;
        }

        byte[] octets = prefix.BaseAddress.GetAddressBytes();
        octets[15] |= 1;
        return new IPAddress(octets);
    }

    public TimeSpan? SessionTimeout { get; init; }

    /// <summary>Acct-Interim-Interval (RFC 2869 §5.16) for this session's accounting.</summary>
    public TimeSpan? InterimInterval { get; init; }

    public string? ReplyMessage { get; init; }
}

/// <summary>No server answered request <paramref name="CorrelationId"/> (every server tried 1 + retries times), or it
/// could not be sent at all; <paramref name="Reason"/> says which.</summary>
public sealed record RadiusUnavailable(long CorrelationId, string Reason);

/// <summary>Acct-Status-Type (RFC 2866 §5.1).</summary>
public enum AccountingStatus : uint
{
    Start = 1,
    Stop = 2,
    InterimUpdate = 3,
}

/// <summary>Acct-Terminate-Cause (RFC 2866 §5.10).</summary>
public enum TerminateCause : uint
{
    UserRequest = 1,
    LostCarrier = 2,
    LostService = 3,
    IdleTimeout = 4,
    SessionTimeout = 5,
    AdminReset = 6,
    AdminReboot = 7,
    PortError = 8,
    NasError = 9,
    NasRequest = 10,
    NasReboot = 11,
}

/// <summary>Who a session is, as every accounting record of it repeats: Acct-Session-Id (RFC 2866 §5.5), User-Name,
/// the virtual IPs (IPv4 as Framed-IP-Address, IPv6 as Framed-IPv6-Address, and the Access-Accept's
/// Framed-IPv6-Prefix the IPv6 one came from), the NAS port, the stations, and the Class attributes of its
/// Access-Accept.</summary>
public sealed record AccountingSession(string SessionId, string UserName)
{
    /// <summary>The IPv4 virtual IP (an IPv6 address here is sent as Framed-IPv6-Address all the same).</summary>
    public IPAddress? FramedIpAddress { get; init; }

    /// <summary>The IPv6 virtual IP: Framed-IPv6-Address (RFC 6911 §3.1).</summary>
    public IPAddress? FramedIpv6Address { get; init; }

    /// <summary>The Access-Accept's Framed-IPv6-Prefix (RFC 3162 §2.3) when the IPv6 virtual IP was taken from it.</summary>
    public IPNetwork? FramedIpv6Prefix { get; init; }

    public uint? NasPort { get; init; }

    public string? CalledStationId { get; init; }

    public string? CallingStationId { get; init; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Classes { get; init; } = [];
}

/// <summary>The dataplane's counters of a session so far (64-bit octets; RFC 2869 §5.1-5.2 Gigawords carry the high
/// half) and its age.</summary>
public sealed record AccountingCounters(ulong InputOctets, ulong OutputOctets, ulong InputPackets, ulong OutputPackets, TimeSpan SessionTime)
{
    public static AccountingCounters None { get; } = new(0, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>One accounting record (RFC 2866) sent to the servers' accounting ports and retransmitted until one
/// answers: when a whole round through the servers goes unanswered it is kept (up to
/// <see cref="RadiusSettings.AccountingBacklog"/>) for another round. <paramref name="ReplyTo"/>, when set, hears
/// <see cref="AccountingAck"/>, or <see cref="RadiusUnavailable"/> when the record is given up.</summary>
public sealed record AccountingRequest(long CorrelationId, IActorRef? ReplyTo, AccountingStatus Status, AccountingSession Session)
{
    /// <summary>Sent with Interim-Update and Stop (RFC 2866 §5.3-5.8: only those carry them).</summary>
    public AccountingCounters Counters { get; init; } = AccountingCounters.None;

    /// <summary>Sent with Stop only (RFC 2866 §5.10).</summary>
    public TerminateCause? TerminateCause { get; init; }
}

/// <summary>An authentic Accounting-Response to <see cref="AccountingRequest"/> <paramref name="CorrelationId"/>.</summary>
public sealed record AccountingAck(long CorrelationId, IPEndPoint Server);

/// <summary>Asks for the client's counters; answered with <see cref="RadiusStats"/>.</summary>
public sealed record GetRadiusStats
{
    public static GetRadiusStats Instance { get; } = new();
}

/// <summary>Counters since start: requests sent (first transmissions to a server), retransmissions, failovers to the
/// next server, authentic answers, requests no server answered, replies dropped by reason, unknown attributes
/// ignored in authentic replies, requests in flight and waiting for a free Identifier, accounting records kept for
/// another round.</summary>
public sealed record RadiusStats(
    long Sent,
    long Retransmitted,
    long Failovers,
    long Answered,
    long Unavailable,
    IReadOnlyDictionary<RadiusRefusal, long> Dropped,
    long UnknownAttributes,
    int InFlight,
    int Waiting,
    int Deferred)
{
    public long DroppedFor(RadiusRefusal reason) => Dropped.TryGetValue(reason, out var n) ? n : 0;
}
