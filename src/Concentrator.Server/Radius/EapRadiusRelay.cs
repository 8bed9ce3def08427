using System.Net;
using Akka.Actor;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Server.Logging;
using Concentrator.Server.Sa;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Radius;

/// <summary>
/// The EAP relay of <c>eap-radius</c> connections (<see cref="ConnectionHome.EapRelay"/>): turns an IKE SA's
/// <see cref="EapRelayRequest"/> carrying an <see cref="EapRadiusRound"/> into an <see cref="AccessRequest"/> to the
/// RADIUS client and its <see cref="AccessReply"/> or <see cref="RadiusUnavailable"/> into the SA's
/// <see cref="EapRelayReply"/> (the mapping is <see cref="EapRadiusSession.Apply"/>). One per node; it keeps only the
/// rounds in flight, each answered once (the RADIUS client always answers, after its retransmissions at the latest).
/// </summary>
public sealed class EapRadiusRelay : ReceiveActor
{
    private readonly IActorRef _radius;
    private readonly Dictionary<long, (IActorRef Sa, EapRadiusRound Round)> _inFlight = [];
    private readonly ILogger _log;
    private long _next;

    public EapRadiusRelay(IActorRef radius)
    {
        _radius = radius;
        _log = ServerLogging.For<EapRadiusRelay>(Context);
        Receive<EapRelayRequest>(OnRequest);
        Receive<AccessReply>(r => Answer(r.CorrelationId, round => round.Session.Apply(r)));
        Receive<RadiusUnavailable>(u => Answer(u.CorrelationId, _ => EapRadiusSession.Unavailable(u)));
    }

    public static Props Props(IActorRef radius) => Akka.Actor.Props.Create(() => new EapRadiusRelay(radius));

    private void OnRequest(EapRelayRequest request)
    {
        if (request.Request is not EapRadiusRound round)
        {
            Sender.Tell(new EapRelayReply(new EapStep.Failure($"the RADIUS relay cannot carry {request.Request.GetType().Name}")));
            return;
        }

        var session = round.Session;
        session.CallingStationId = Station(request.Remote) ?? session.CallingStationId;
        session.CalledStationId = Station(request.Local) ?? session.CalledStationId;
        var id = ++_next;
        _inFlight[id] = (Sender, round);
        _log.EapRadiusRelayed(request.ResponderSpi, session.UserName, id);
        // RFC 3579 §3.1 and RFC 2865 §5.24: State from the last Access-Challenge, unmodified; NAS-Identifier or
        // NAS-IP-Address and Message-Authenticator are added by the RADIUS client.
        _radius.Tell(new AccessRequest(id, Self, session.UserName, round.EapMessage)
        {
            State = session.State,
            NasPort = session.NasPort,
            CallingStationId = session.CallingStationId,
            CalledStationId = session.CalledStationId,
        });
    }

    private void Answer(long id, Func<EapRadiusRound, EapStep> step)
    {
        if (!_inFlight.Remove(id, out var waiting))
        {
            return;
        }

        waiting.Sa.Tell(new EapRelayReply(step(waiting.Round)));
    }

    // strongSwan's eap-radius sends "address[port]"; FreeRADIUS logs it as given.
    private static string? Station(IPEndPoint? endpoint) => endpoint is null ? null : $"{endpoint.Address}[{endpoint.Port}]";
}
