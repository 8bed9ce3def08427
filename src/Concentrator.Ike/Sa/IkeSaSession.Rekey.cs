using System.Net;

namespace Concentrator.Ike.Sa;

// IKE SA rekeying (RFC 7296 §1.3.2, §2.18): the peer's CREATE_CHILD_SA makes a new IkeSa with new SPIs that takes
// over the CHILD SAs and virtual IPs. The session keeps both while the old one waits for the Delete the peer sends
// for it; datagrams are told apart by their responder SPI.
public sealed partial class IkeSaSession
{
    private IkeSa? _retiring;

    private void AdoptRekeyed(List<IkeSaEffect> fx, IkeSa next)
    {
        RetireNow(fx);
        fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{next}: IKE SA rekeyed, replaces {_sa.ResponderSpi:x16}_r"));
        _retiring = _sa;
        _sa = next;
        StartIkeLifetime(fx);
        // The rekey's initiator deletes the old SA right away (§2.18); one that never does is dropped anyway.
        fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Retire, _settings.HalfOpenTimeout));
    }

    private void OnRetiringDatagram(List<IkeSaEffect> fx, IkeSa old, ReadOnlyMemory<byte> message, IPEndPoint remote, IPEndPoint local)
    {
        IkeSaResult result = old.Process(message, remote, local);
        if (result.IsDropped)
        {
            CountDrop(fx, result.Drop, result.Detail);
            return;
        }

        if (result.Outbound.Count > 0)
        {
            fx.Add(new IkeSaEffect.Send(old.LocalEndpoint, old.RemoteEndpoint, result.Outbound, ViaArrivalSocket: true));
        }

        if (old.State is IkeSaState.Deleted or IkeSaState.Failed)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{old}: old IKE SA deleted after the rekey"));
            RetireNow(fx);
        }
    }

    private void RetireNow(List<IkeSaEffect> fx)
    {
        if (_retiring is not { } old)
        {
            return;
        }

        fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.Retire));
        fx.Add(new IkeSaEffect.ReleaseIkeSpi(old.ResponderSpi));
        // Nothing of the kernel or the pool goes with it: the new SA holds them.
        old.Dispose();
        _retiring = null;
    }
}
