using System.Text;
using Concentrator.Ike.Auth.Eap;

namespace Concentrator.Server.Radius;

/// <summary>
/// The EAP backend of an <c>eap-radius</c> connection (RFC 3579, strongSwan's eap-radius): it runs no method itself,
/// every step is <see cref="EapStep.Pending"/> with an <see cref="EapRadiusRound"/> that the node's
/// <see cref="EapRadiusRelay"/> sends to the RADIUS servers as an Access-Request and answers from the reply. One per
/// IKE SA; its <see cref="EapRadiusSession"/> carries the State between rounds and what the Access-Accept granted.
/// </summary>
public sealed class EapRadiusServer : IEapServer
{
    private static int _nasPorts;

    public EapRadiusServer(uint nasPort)
    {
        Session = new EapRadiusSession(nasPort);
    }

    public EapRadiusSession Session { get; }

    /// <summary>A NAS-Port (RFC 2865 §5.5) per IKE SA, unique on this node until it wraps.</summary>
    public static uint NextNasPort() => unchecked((uint)Interlocked.Increment(ref _nasPorts));

    public EapStep Start(string identity, byte identifier)
    {
        ArgumentNullException.ThrowIfNull(identity);
        Session.UserName = identity;
        // RFC 3579 §2.1: the NAS starts the conversation with the peer's EAP-Response/Identity in EAP-Message (made
        // here from the identity the IKE layer learnt: IDi, or the peer's own EAP-Identity answer, whose Identifier
        // was the one before ours). The server's first request chooses its own Identifier.
        var response = EapPacket.Response(unchecked((byte)(identifier - 1)), EapType.Identity, Encoding.UTF8.GetBytes(identity));
        return new EapStep.Pending(new EapRadiusRound(Session, response.Encode()));
    }

    /// <summary>RFC 3579 §2.6.2: the RADIUS server picks the method; a Nak (RFC 3748 §5.3) is its to answer.</summary>
    public bool AcceptsNak => true;

    public EapStep Process(EapPacket response) => new EapStep.Pending(new EapRadiusRound(Session, response.Encode()));
}

/// <summary>One EAP response of <paramref name="Session"/>'s peer to relay to RADIUS (the relay object of
/// <see cref="EapStep.Pending"/>).</summary>
public sealed record EapRadiusRound(EapRadiusSession Session, byte[] EapMessage);
