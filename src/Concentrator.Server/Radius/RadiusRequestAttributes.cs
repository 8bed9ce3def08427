using System.Text;

namespace Concentrator.Server.Radius;

/// <summary>The attributes of the requests the client sends, in one place: what identifies the NAS and the session.</summary>
internal static class RadiusRequestAttributes
{
    /// <summary>RFC 2865 §5.41 NAS-Port-Type 5 = Virtual: the session is not on a physical port.</summary>
    private const uint NasPortTypeVirtual = 5;

    public static List<RadiusAttribute> ForAccess(AccessRequest request, RadiusSettings settings)
    {
        var list = new List<RadiusAttribute> { RadiusAttribute.Text(RadiusAttributeType.UserName, request.UserName) };
        AddNas(list, settings, request.NasPort);
        AddStations(list, request.CalledStationId, request.CallingStationId);
        if (!request.State.IsEmpty)
        {
            // RFC 2865 §5.24: the State of an Access-Challenge "MUST be sent unmodified from the client to the server in
            // the new Access-Request reply to that challenge".
            list.Add(new RadiusAttribute(RadiusAttributeType.State, request.State));
        }

        list.AddRange(request.Attributes);
        return list;
    }

    /// <summary><paramref name="created"/>: when the record was handed over; <paramref name="now"/>: when this packet is
    /// built (later after a failover).</summary>
    public static List<RadiusAttribute> ForAccounting(AccountingRequest request, RadiusSettings settings, DateTimeOffset created, DateTimeOffset now)
    {
        var session = request.Session;
        var list = new List<RadiusAttribute>
        {
            RadiusAttribute.Integer(RadiusAttributeType.AcctStatusType, (uint)request.Status),
            RadiusAttribute.Text(RadiusAttributeType.AcctSessionId, session.SessionId),
            RadiusAttribute.Text(RadiusAttributeType.UserName, session.UserName),
            // RFC 2866 §5.6 Acct-Authentic 1 = RADIUS: the user was authenticated by RADIUS.
            RadiusAttribute.Integer(RadiusAttributeType.AcctAuthentic, 1),
        };
        AddNas(list, settings, session.NasPort);
        AddStations(list, session.CalledStationId, session.CallingStationId);
        if (session.FramedIpAddress is { } ip)
        {
            // An IPv6 virtual IP goes into Framed-IPv6-Address (RFC 6911 §3.1); Framed-IP-Address holds IPv4 only.
            list.Add(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? new RadiusAttribute(RadiusAttributeType.FramedIpv6Address, ip.GetAddressBytes())
                : RadiusAttribute.Address(RadiusAttributeType.FramedIpAddress, ip));
        }

        if (session.FramedIpv6Prefix is { } prefix)
        {
            // RFC 3162 §3 lists Framed-IPv6-Prefix as "0+" in Accounting-Request: the prefix the Access-Accept assigned.
            list.Add(RadiusAttribute.Ipv6Prefix(RadiusAttributeType.FramedIpv6Prefix, prefix));
        }

        if (session.FramedIpv6Address is { } ipv6 && !ipv6.Equals(session.FramedIpAddress))
        {
            // RFC 6911 §3.1 Framed-IPv6-Address, "0+" in Accounting-Request (§4): the client's IPv6 virtual IP.
            list.Add(RadiusAttribute.Ipv6Address(RadiusAttributeType.FramedIpv6Address, ipv6));
        }

        foreach (var c in session.Classes)
        {
            // RFC 2865 §5.25: Class "SHOULD be sent unmodified by the client to the accounting server as part of the
            // Accounting-Request packet".
            list.Add(new RadiusAttribute(RadiusAttributeType.Class, c));
        }

        // RFC 2869 §5.3 Event-Timestamp: seconds since 1970-01-01 UTC when the event happened.
        list.Add(RadiusAttribute.Integer(RadiusAttributeType.EventTimestamp, (uint)created.ToUnixTimeSeconds()));
        var delay = (long)(now - created).TotalSeconds;
        if (delay > 0)
        {
            // RFC 2866 §5.2 Acct-Delay-Time: "how many seconds the client has been trying to send this record"; a record
            // re-encoded for the next server says so (a retransmission to the same server keeps its octets).
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctDelayTime, (uint)Math.Min(uint.MaxValue, delay)));
        }
        if (request.Status != AccountingStatus.Start)
        {
            // RFC 2866 §5.3-5.8: octets, packets and session time "can only be present in Accounting-Request records
            // where the Acct-Status-Type is set to Stop" (and Interim-Update, RFC 2869 §2.1); the high 32 bits of the
            // octet counters go into Acct-Input-/Output-Gigawords (RFC 2869 §5.1-5.2).
            var c = request.Counters;
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctSessionTime, (uint)Math.Min(uint.MaxValue, (ulong)c.SessionTime.TotalSeconds)));
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctInputOctets, (uint)c.InputOctets));
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctInputGigawords, (uint)(c.InputOctets >> 32)));
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctOutputOctets, (uint)c.OutputOctets));
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctOutputGigawords, (uint)(c.OutputOctets >> 32)));
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctInputPackets, (uint)Math.Min(uint.MaxValue, c.InputPackets)));
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctOutputPackets, (uint)Math.Min(uint.MaxValue, c.OutputPackets)));
        }

        if (request.Status == AccountingStatus.Stop)
        {
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.AcctTerminateCause, (uint)(request.TerminateCause ?? TerminateCause.NasRequest)));
        }

        return list;
    }

    private static void AddNas(List<RadiusAttribute> list, RadiusSettings settings, uint? nasPort)
    {
        // RFC 2865 §4.1: "An Access-Request MUST contain either a NAS-IP-Address attribute or a NAS-Identifier
        // attribute (or both)" (RadiusSettings refuses a configuration with neither); RFC 2866 §4.1 likewise.
        if (settings.NasIdentifier.Length > 0)
        {
            list.Add(RadiusAttribute.Text(RadiusAttributeType.NasIdentifier, settings.NasIdentifier));
        }

        if (settings.NasIpAddress is { } nasIp)
        {
            list.Add(RadiusAttribute.Address(RadiusAttributeType.NasIpAddress, nasIp));
        }

        if (nasPort is { } port)
        {
            list.Add(RadiusAttribute.Integer(RadiusAttributeType.NasPort, port));
        }

        list.Add(RadiusAttribute.Integer(RadiusAttributeType.NasPortType, NasPortTypeVirtual));
    }

    private static void AddStations(List<RadiusAttribute> list, string? called, string? calling)
    {
        if (!string.IsNullOrEmpty(called))
        {
            list.Add(new RadiusAttribute(RadiusAttributeType.CalledStationId, Encoding.UTF8.GetBytes(called)));
        }

        if (!string.IsNullOrEmpty(calling))
        {
            list.Add(new RadiusAttribute(RadiusAttributeType.CallingStationId, Encoding.UTF8.GetBytes(calling)));
        }
    }
}
