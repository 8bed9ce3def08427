using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

// IKE SA rekeying (RFC 7296 §1.3.2, §2.18): the peer's CREATE_CHILD_SA makes a new IkeSa with new SPIs that takes
// over the CHILD SAs and virtual IPs. One actor keeps both while the old one waits for the Delete the peer sends
// for it: the new SPI was registered for this actor when the rekey drew it, and datagrams are told apart by their
// responder SPI.
public sealed partial class IkeSaActor
{
    private const string RetireKey = "retire";
    private IkeSa? _retiring;

    private sealed record RetireExpired
    {
        public static RetireExpired Instance { get; } = new();
    }

    /// <summary>True when <paramref name="d"/> belongs to the SA being retired (its SPIr, as the socket read it, is the old one).</summary>
    private bool ForRetiring(IkeDatagram d) => _retiring is { } old && d.Header.ResponderSpi == old.ResponderSpi;

    private void AdoptRekeyed(IkeSa next)
    {
        RetireNow();
        _log.Info("{0}: IKE SA rekeyed, replaces {1:x16}_r", next, _sa.ResponderSpi);
        _retiring = _sa;
        _sa = next;
        StartIkeLifetime();
        // The rekey's initiator deletes the old SA right away (§2.18); one that never does is dropped anyway.
        Timers.StartSingleTimer(RetireKey, RetireExpired.Instance, _settings.HalfOpenTimeout);
    }

    private void OnRetiringDatagram(IkeDatagram d)
    {
        IkeSa old = _retiring!;
        IkeSaResult result = old.Process(d.Message, d.Remote, d.Local);
        if (result.IsDropped)
        {
            CountDrop(result.Drop, result.Detail);
            return;
        }

        foreach (byte[] datagram in result.Outbound)
        {
            d.Socket.Tell(new SendIke(old.LocalEndpoint, old.RemoteEndpoint, datagram), Self);
        }

        if (old.State is IkeSaState.Deleted or IkeSaState.Failed)
        {
            _log.Info("{0}: old IKE SA deleted after the rekey", old);
            RetireNow();
        }
    }

    private void RetireNow()
    {
        if (_retiring is not { } old)
        {
            return;
        }

        Timers.Cancel(RetireKey);
        _spis?.Release(old.ResponderSpi);
        // Nothing of the kernel or the pool goes with it: the new SA holds them.
        old.Dispose();
        _retiring = null;
    }
}
