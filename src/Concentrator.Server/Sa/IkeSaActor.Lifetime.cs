using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;

namespace Concentrator.Server.Sa;

// CHILD SA lifetimes (RFC 7296 §2.8): the kernel's soft expiry of a state the peer has not rekeyed in time makes us
// rekey it (CREATE_CHILD_SA with REKEY_SA, then a Delete of the old pair once the new one is installed); the hard
// expiry means the kernel already dropped the state, so the CHILD SA is deleted towards the peer. An IKE SA the
// peer does not rekey within its lifetime (plus 10%) is deleted.
public sealed partial class IkeSaActor
{
    // Inbound SPIs of CHILD SAs we are rekeying or deleting: one action per CHILD SA, however many of its states
    // (in and out) expire.
    private readonly HashSet<uint> _rekeyingByUs = [];
    private readonly HashSet<uint> _deletingByUs = [];

    private void OnSaExpired(SaExpiredEvent expired)
    {
        if (_sa.State != IkeSaState.Established || FindChild(expired) is not { } child)
        {
            return;
        }

        if (expired.Hard)
        {
            if (_deletingByUs.Add(child.InboundSpi))
            {
                _log.Info("{0}: CHILD SA {1:x8}_i reached its hard lifetime; deleting it", _sa, child.InboundSpi);
                Send(_sa.InitiateChildDelete(child).Outbound);
                ArmRetransmit();
            }

            return;
        }

        if (_rekeyingByUs.Add(child.InboundSpi))
        {
            _log.Info("{0}: CHILD SA {1:x8}_i reached its soft lifetime without a rekey by the peer; rekeying it", _sa, child.InboundSpi);
            Send(_sa.InitiateChildRekey(child).Outbound);
            ArmRetransmit();
        }
    }

    /// <summary>After an install: a new CHILD SA that replaces one we were rekeying means the old pair is deleted
    /// now (RFC 7296 §1.3.3: the rekey's initiator deletes the old SA).</summary>
    private void DeleteReplacedByUs(IEnumerable<ChildSa> installed)
    {
        foreach (ChildSa child in installed)
        {
            if (child.ReplacesInboundSpi is { } old && _rekeyingByUs.Remove(old)
                && _sa.ChildSas.FirstOrDefault(c => c.InboundSpi == old) is { } replaced && _deletingByUs.Add(old))
            {
                Send(_sa.InitiateChildDelete(replaced).Outbound);
                ArmRetransmit();
            }
        }
    }

    private ChildSa? FindChild(SaExpiredEvent expired)
    {
        foreach (var (child, reqid) in _reqids)
        {
            if (reqid == expired.Reqid && (child.InboundSpi == expired.Sa.Spi || child.OutboundSpi == expired.Sa.Spi))
            {
                return child;
            }
        }

        return null;
    }

    private const string IkeLifetimeKey = "ike-lifetime";

    private sealed record IkeLifetimeExpired(ulong ResponderSpi);

    /// <summary>(Re)starts the IKE SA's lifetime when it is established or replaced by a rekey.</summary>
    private void StartIkeLifetime()
    {
        if (_settings.IkeLifetime > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(IkeLifetimeKey, new IkeLifetimeExpired(_sa.ResponderSpi), _settings.IkeLifetime * 1.1);
        }
    }

    private void OnIkeLifetimeExpired(IkeLifetimeExpired expired)
    {
        if (expired.ResponderSpi == _sa.ResponderSpi && _sa.State == IkeSaState.Established)
        {
            // RFC 7296 §2.8: an SA past its lifetime is not used any more; the client reconnects with a new one.
            Self.Tell(new DeleteIkeSa($"not rekeyed by the peer within the IKE lifetime ({_settings.IkeLifetime})"), ActorRefs.Nobody);
        }
    }
}
