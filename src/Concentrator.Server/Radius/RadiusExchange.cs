using System.Net;
using Akka.Actor;

namespace Concentrator.Server.Radius;

/// <summary>One request on its way through the servers: which server it is at, its Identifier and Request
/// Authenticator there, the octets sent (retransmitted unchanged, RFC 2865 §3: "the Identifier ... the same for a
/// retransmission") and how often.</summary>
internal sealed class RadiusExchange(long correlationId, IActorRef? replyTo, AccessRequest? access, AccountingRequest? accounting, DateTimeOffset created)
{
    public long CorrelationId { get; } = correlationId;

    public IActorRef? ReplyTo { get; } = replyTo;

    public AccessRequest? Access { get; } = access;

    public AccountingRequest? Accounting { get; } = accounting;

    public bool IsAccounting => Accounting is not null;

    public string Kind => IsAccounting ? "Accounting-Request" : "Access-Request";

    /// <summary>When the asker handed the request over: the Event-Timestamp of an accounting record, and the start of
    /// its Acct-Delay-Time.</summary>
    public DateTimeOffset Created { get; } = created;

    public int ServerIndex { get; set; }

    /// <summary>Servers given up on so far.</summary>
    public int ServersTried { get; set; }

    /// <summary>Transmissions to the current server.</summary>
    public int Transmissions { get; set; }

    /// <summary>Bumped on every transmission: a timer of an earlier one is stale.</summary>
    public int Generation { get; set; }

    public byte Identifier { get; set; }

    public byte[] RequestAuthenticator { get; set; } = [];

    public byte[] Packet { get; set; } = [];

    public IPEndPoint Target { get; set; } = new(IPAddress.None, 0);
}
