using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Radius;

/// <summary>What an IKE SA's accounting records say, built from the SA and its EAP-RADIUS session (pure: the actor
/// only sends them).</summary>
public static class AccountingRecords
{
    /// <summary>The session of an IKE SA: Acct-Session-Id unique per IKE SA on this node (RFC 2866 §5.5: "The Start
    /// and Stop records for a given session MUST have the same Acct-Session-Id"), the user, the IPv4 virtual IP as
    /// Framed-IP-Address, the IPv6 one as Framed-IPv6-Address (RFC 6911 §3.1) with the Accept's Framed-IPv6-Prefix
    /// (RFC 3162 §2.3) when the address was taken from it (a prefix the pool did not honour is not claimed), the
    /// NAS-Port, the stations and the Accept's Class attributes (RFC 2865 §5.25: sent unmodified in accounting).</summary>
    public static AccountingSession Session(EapRadiusSession radius, ulong responderSpi, IReadOnlyList<IPAddress> virtualIps)
    {
        ArgumentNullException.ThrowIfNull(radius);
        ArgumentNullException.ThrowIfNull(virtualIps);
        var ipv6 = virtualIps.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6);
        return new AccountingSession($"{responderSpi:x16}", radius.UserName)
        {
            FramedIpAddress = virtualIps.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork),
            FramedIpv6Address = ipv6,
            FramedIpv6Prefix = ipv6 is not null && radius.FramedIpv6Prefix is { } prefix && prefix.Contains(ipv6) ? prefix : null,
            NasPort = radius.NasPort,
            CalledStationId = radius.CalledStationId,
            CallingStationId = radius.CallingStationId,
            Classes = radius.Classes,
        };
    }

    /// <summary>Acct-Terminate-Cause (RFC 2866 §5.10) of an SA that ended in <paramref name="state"/>: the operator or
    /// the node ended it (a DeleteIkeSa: shutdown, management, a replacing SA) → Admin-Reset; a Delete exchange
    /// finished (the client's, or ours at the lifetime's end) → User-Request; the peer stopped answering (DPD,
    /// retransmissions) → Lost-Carrier.</summary>
    public static TerminateCause Cause(IkeSaState state, bool deletedByNode) =>
        deletedByNode ? TerminateCause.AdminReset
        : state == IkeSaState.Deleted ? TerminateCause.UserRequest
        : TerminateCause.LostCarrier;

    /// <summary>RFC 2866 §5.3-5.8: Input is what the NAS received from the client (the inbound SAs), Output what it sent.</summary>
    public static AccountingCounters Counters(OwnedCounters counters, TimeSpan sessionTime)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return new AccountingCounters(counters.InboundOctets, counters.OutboundOctets, counters.InboundPackets, counters.OutboundPackets, sessionTime);
    }
}
