using System.Net;
using Akka.Actor;
using Concentrator.Ike.Encoding;

namespace Concentrator.Server.Network;

/// <summary>
/// One IKE message as received: <paramref name="Message"/> starts at the IKE header (the non-ESP marker of port
/// 4500 is already stripped), <paramref name="Local"/> is the address and port it arrived on (answers must leave
/// from there, RFC 7296 section 2.11), <paramref name="NatT"/> tells it came on the NAT-T port. Answer through
/// <paramref name="Socket"/> with <see cref="SendIke"/>.
/// </summary>
public sealed record IkeDatagram(IPEndPoint Local, IPEndPoint Remote, bool NatT, IkeHeader Header, ReadOnlyMemory<byte> Message, IActorRef Socket);

/// <summary>An IKE_SA_INIT request with responder SPI 0: nobody owns it yet. Sent to the dispatcher, which
/// creates the IKE SA actor (or answers with a COOKIE) and registers its SPI in the <see cref="SpiTable"/>.</summary>
public sealed record NewSa(IkeDatagram Datagram);

/// <summary>Sends an IKE message from <paramref name="Local"/> (one of the bound endpoints) to <paramref name="Remote"/>;
/// on the NAT-T port the non-ESP marker is put in front (RFC 3948 section 2.2).</summary>
public sealed record SendIke(IPEndPoint Local, IPEndPoint Remote, ReadOnlyMemory<byte> Message);

/// <summary>An IKE message that arrived on the externally owned NAT-T port (<see cref="IkeSocketOptions.ExternalNatT"/>),
/// non-ESP marker already stripped; routed like a datagram of the actor's own sockets. <see cref="Local"/> is the
/// endpoint of the socket it arrived on; unset (or a wildcard), the address routed towards the peer is taken.</summary>
public sealed record InjectIke(IPEndPoint Remote, ReadOnlyMemory<byte> Message)
{
    public IPEndPoint? Local { get; init; }
}

/// <summary>Asks for the bound endpoints and counters; answered with <see cref="SocketStats"/>.</summary>
public sealed record GetSocketStats
{
    public static GetSocketStats Instance { get; } = new();
}

/// <summary>The answer to <see cref="GetSocketStats"/> when the sockets could not be bound as configured
/// (<c>concentrator.ike.bind</c>): <paramref name="Reason"/> names each address, port and error. The actor binds
/// nothing and serves nothing.</summary>
public sealed record SocketStartFailed(string Reason);

/// <summary>A bound socket: its address and port, and whether it is the NAT-T (marker) port.</summary>
public sealed record BoundEndpoint(IPEndPoint Local, bool NatT);

/// <summary>Counters since start. Dropped datagrams are counted by reason, never answered.</summary>
public sealed record SocketStats(
    IReadOnlyList<BoundEndpoint> Bound,
    long Received,
    long ToSa,
    long NewSa,
    long UnknownSpi,
    long Malformed,
    long Keepalives,
    long Esp,
    long Sent);
