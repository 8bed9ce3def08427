using Akka.Actor;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Sa;

// The asynchronous EAP seam: the session says RelayEap, the connection's relay actor (RADIUS) answers EapRelayReply.
public sealed partial class IkeSaActor
{
    private void RelayEap(object request)
    {
        if (request is RevocationFetchRequest fetches)
        {
            FetchRevocation(fetches);
            return;
        }

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

    /// <summary>IKE_AUTH waits for CRLs or OCSP answers: the node's fetcher fetches them into the shared cache and
    /// answers <see cref="Revocation.RevocationFetched"/>; the half-open timer still bounds the whole wait.</summary>
    private void FetchRevocation(RevocationFetchRequest fetches)
    {
        if (_env.Revocation is not { } fetcher)
        {
            _log.RevocationNoFetcher(Sa.ResponderSpi);
            Execute(_session.OnRevocationFetched());
            return;
        }

        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.RevocationWaiting(Sa.ResponderSpi, fetches.Fetches.Count, string.Join(", ", fetches.Fetches));
        }

        fetcher.Tell(new Revocation.FetchRevocation(fetches, Sa.ResponderSpi), Self);
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
