using Concentrator.Ike.Auth.Eap;

namespace Concentrator.Server.Sa;

/// <summary>
/// Told by an IKE SA actor to its connection's EAP relay (<see cref="ConnectionHome.EapRelay"/>, e.g. the RADIUS
/// client actor) when its EAP backend answered <see cref="EapStep.Pending"/>: <paramref name="Request"/> is the
/// backend's own relay object (what it needs carried, e.g. the EAP response and its State). The relay answers the
/// sender with <see cref="EapRelayReply"/>, once; an IKE SA that stopped or timed out meanwhile ignores it.
/// </summary>
/// <param name="ResponderSpi">Our SPI of the IKE SA, for the relay's log and correlation.</param>
public sealed record EapRelayRequest(object Request, ulong ResponderSpi)
{
    /// <summary>The peer's outer address and port (RADIUS Calling-Station-Id, RFC 2865 §5.31).</summary>
    public System.Net.IPEndPoint? Remote { get; init; }

    /// <summary>Our address the peer talks to (RADIUS Called-Station-Id, RFC 2865 §5.30).</summary>
    public System.Net.IPEndPoint? Local { get; init; }
}

/// <summary>The relay's answer: the next EAP step (a request for the peer, Success with the MSK, Failure, or another
/// Pending), handed to <c>IkeSaSession.OnEapReply</c>.</summary>
public sealed record EapRelayReply(EapStep Step);
