using System.Net;

namespace Concentrator.Ike.Sa;

// The initiator's start (the gateway initiating a site-to-site connection): the same session as a responder's once
// the first request is out. Responses go through OnDatagram like requests (IkeSa.Process tells them apart); the CHILD
// SA of IKE_AUTH is installed before the SA counts as established, exactly as on the responder side.
public sealed partial class IkeSaSession
{
    /// <summary>An initiator SA (<see cref="IkeSa.CreateInitiator"/>); <see cref="Initiate"/> sends its first request.</summary>
    public static IkeSaSession Initiator(IkeSaConfig config, IkeSaServices services, IPEndPoint local, IPEndPoint remote,
        IkeSaSessionSettings settings, IIkeSpiSource? spis = null) =>
        new(settings, s => IkeSa.CreateInitiator(config, s, local, remote, spis), services);

    /// <summary>Sends IKE_SA_INIT (then, as each response arrives, IKE_AUTH with the CHILD SA) and arms its
    /// retransmission; the half-open limit armed by <see cref="Start"/> bounds the whole setup.</summary>
    public IReadOnlyList<IkeSaEffect> Initiate()
    {
        var fx = new List<IkeSaEffect>();
        fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: initiating to {_sa.RemoteEndpoint} from {_sa.LocalEndpoint}"));
        Send(fx, _sa.Initiate().Outbound);
        ArmRetransmit(fx);
        return fx;
    }

    /// <summary>Why the SA ended, for the initiator's close-action and dpd-action: the peer deleted it
    /// (<see cref="IkeSaState.Deleted"/>, also our own Delete at the IKE lifetime), it failed (refused, or a setup
    /// error), or it just stopped (the peer did not answer).</summary>
    public bool DeletedByExchange => _sa.State == IkeSaState.Deleted;
}
