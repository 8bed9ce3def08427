using Akka.Actor;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Server.Logging;

namespace Concentrator.Server.Sa;

// The asynchronous EAP seam: the session says RelayEap, the connection's relay actor (RADIUS) answers EapRelayReply.
public sealed partial class IkeSaActor
{
    private void RelayEap(object request)
    {
        // The connection IKE_AUTH chose names the relay; the environment's is the fallback of actor tests.
        IActorRef? relay = (Sa.Connection?.Tag as ConnectionHome)?.EapRelay ?? _env.EapRelay;
        if (relay is null)
        {
            _log.EapNoRelay(Sa, (Sa.Connection?.Tag as ConnectionHome)?.Connection ?? _env.Connection);
            Execute(_session.OnEapReply(new EapStep.Failure("the connection has no EAP relay for a pending EAP backend")));
            return;
        }

        _log.EapRelayed(Sa, relay.Path);
        relay.Tell(new EapRelayRequest(request, Sa.ResponderSpi) { Remote = Sa.RemoteEndpoint, Local = Sa.LocalEndpoint }, Self);
    }

    /// <summary>RADIUS's Framed-IP-Address and Framed-IPv6-Address are leased from the connection's pools as specific
    /// addresses; one outside them (which would need a route of its own) or already taken is not given, and the
    /// operator is told.</summary>
    private void CheckAssignedAddress()
    {
        foreach (var framed in Sa.EapAssignedAddresses.Where(a => !Sa.VirtualIps.Contains(a)))
        {
            _log.FramedIpNotHonoured(Sa.ResponderSpi, Sa.RemoteIdentity?.ToString() ?? "", framed.ToString(), _env.Connection,
                Sa.VirtualIps.Count == 0 ? "none" : string.Join(", ", Sa.VirtualIps));
        }
    }
}
