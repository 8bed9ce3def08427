using System.Net;
using Concentrator.Ike.Auth.Eap;

namespace Concentrator.Server.Radius;

/// <summary>
/// What one IKE SA's EAP-RADIUS conversation keeps between rounds (the State of the last Access-Challenge, RFC 2865
/// §5.24) and what its Access-Accept granted (Class, Framed-IP-Address, Acct-Interim-Interval), and the pure mapping
/// of a RADIUS answer to the next <see cref="EapStep"/>. Touched by one side at a time: the relay between a round's
/// request and its reply, the IKE SA otherwise (the messages between them order the accesses).
/// </summary>
public sealed class EapRadiusSession(uint nasPort)
{
    /// <summary>User-Name (RFC 3579 §2.1: the identity of the peer's EAP-Response/Identity).</summary>
    public string UserName { get; set; } = "";

    public uint NasPort { get; } = nasPort;

    /// <summary>The State to echo in the next Access-Request, empty before the first challenge.</summary>
    public ReadOnlyMemory<byte> State { get; private set; }

    /// <summary>Class attributes of the Access-Accept, echoed in accounting (RFC 2865 §5.25).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Classes { get; private set; } = [];

    public IPAddress? FramedIpAddress { get; private set; }

    /// <summary>Framed-IPv6-Address of the Access-Accept (RFC 6911 §3.1), else the first address of its
    /// Framed-IPv6-Prefix (RFC 3162 §2.3): the client's IPv6 virtual IP.</summary>
    public IPAddress? FramedIpv6Address { get; private set; }

    /// <summary>Framed-IPv6-Prefix of the Access-Accept (RFC 3162 §2.3), echoed in accounting when the client's IPv6
    /// virtual IP lies in it.</summary>
    public IPNetwork? FramedIpv6Prefix { get; private set; }

    public TimeSpan? InterimInterval { get; private set; }

    /// <summary>Session-Timeout of the Access-Accept (RFC 2865 §5.27): the IKE SA is deleted when it runs out.</summary>
    public TimeSpan? SessionTimeout { get; private set; }

    /// <summary>The peer's outer address (Calling-Station-Id) and ours (Called-Station-Id), as the last round saw them.</summary>
    public string? CallingStationId { get; set; }

    public string? CalledStationId { get; set; }

    /// <summary>The next step from a RADIUS answer (RFC 3579 §2.6.2-2.6.3).</summary>
    public EapStep Apply(AccessReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        switch (reply.Result)
        {
            case AccessResult.Challenge:
                // RFC 3579 §2.6.2: an Access-Challenge carries the next EAP-Request; its State MUST be echoed back
                // unmodified in the next Access-Request (RFC 2865 §5.24).
                if (reply.EapMessage.IsEmpty)
                {
                    return new EapStep.Failure($"Access-Challenge from {reply.Server} without EAP-Message");
                }

                State = reply.State;
                return new EapStep.Request(reply.EapMessage.ToArray());
            case AccessResult.Accept:
                // An Access-Accept decides even without EAP-Success in it (the NAS sends its own EAP-Success); without
                // MS-MPPE keys the AUTH payloads use SK_pi/SK_pr (RFC 7296 §2.16).
                Classes = reply.Classes;
                FramedIpAddress = reply.FramedIpAddress;
                FramedIpv6Address = reply.AssignedIpv6;
                FramedIpv6Prefix = reply.FramedIpv6Prefix;
                InterimInterval = reply.InterimInterval;
                SessionTimeout = reply.SessionTimeout;
                return new EapStep.Success(reply.Msk, UserName)
                {
                    Addresses = new[] { reply.FramedIpAddress, reply.AssignedIpv6 }.OfType<IPAddress>().ToList(),
                    Backend = this,
                };
            default:
                return new EapStep.Failure($"Access-Reject from {reply.Server}{(reply.ReplyMessage is { } m ? ": " + m : "")}");
        }
    }

    public static EapStep Unavailable(RadiusUnavailable unavailable)
    {
        ArgumentNullException.ThrowIfNull(unavailable);
        return new EapStep.Failure("RADIUS unavailable: " + unavailable.Reason);
    }
}
