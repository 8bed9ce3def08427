namespace Concentrator.Ike.Sa;

// CHILD SA lifetimes (RFC 7296 §2.8): the kernel's soft expiry of a state the peer has not rekeyed in time makes us
// rekey it (CREATE_CHILD_SA with REKEY_SA, then a Delete of the old pair once the new one is installed); the hard
// expiry means the kernel already dropped the state, so the CHILD SA is deleted towards the peer. An IKE SA the
// peer does not rekey within its lifetime (plus 10%) is deleted.
public sealed partial class IkeSaSession
{
    // Inbound SPIs of CHILD SAs we are rekeying or deleting: one action per CHILD SA, however many of its states
    // (in and out) expire. Made on first use: most SAs are never rekeyed or deleted by us.
    private HashSet<uint>? _rekeyingByUs;
    private HashSet<uint>? _deletingByUs;

    /// <summary>The kernel's state <paramref name="spi"/> of <paramref name="reqid"/> reached its soft or
    /// <paramref name="hard"/> lifetime.</summary>
    public IReadOnlyList<IkeSaEffect> OnChildExpired(uint reqid, uint spi, bool hard)
    {
        var fx = new List<IkeSaEffect>();
        if (_sa.State != IkeSaState.Established || FindChild(reqid, spi) is not { } child)
        {
            return fx;
        }

        if (hard)
        {
            if ((_deletingByUs ??= []).Add(child.InboundSpi))
            {
                fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: CHILD SA {child.InboundSpi:x8}_i reached its hard lifetime; deleting it"));
                Send(fx, _sa.InitiateChildDelete(child).Outbound);
                ArmRetransmit(fx);
            }

            return fx;
        }

        if ((_rekeyingByUs ??= []).Add(child.InboundSpi))
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info,
                $"{_sa}: CHILD SA {child.InboundSpi:x8}_i reached its soft lifetime without a rekey by the peer; rekeying it"));
            Send(fx, _sa.InitiateChildRekey(child).Outbound);
            ArmRetransmit(fx);
        }

        return fx;
    }

    /// <summary>The operator asks for a rekey now: every CHILD SA not already being rekeyed or deleted is rekeyed by us
    /// (CREATE_CHILD_SA with N(REKEY_SA), RFC 7296 §1.3.3), as when its soft lifetime runs out; the old pair is deleted
    /// once the new one is installed. <paramref name="started"/> counts the rekeys started. (The gateway does not
    /// initiate IKE SA rekeys.)</summary>
    public IReadOnlyList<IkeSaEffect> RekeyChildSasNow(out int started)
    {
        var fx = new List<IkeSaEffect>();
        started = 0;
        if (_sa.State != IkeSaState.Established)
        {
            return fx;
        }

        foreach (ChildSa child in _sa.ChildSas.ToList())
        {
            if (_deletingByUs?.Contains(child.InboundSpi) == true || !(_rekeyingByUs ??= []).Add(child.InboundSpi))
            {
                continue;
            }

            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: CHILD SA {child.InboundSpi:x8}_i rekeyed on the operator's request"));
            Send(fx, _sa.InitiateChildRekey(child).Outbound);
            started++;
        }

        if (started > 0)
        {
            ArmRetransmit(fx);
        }

        return fx;
    }

    /// <summary>After an install: a new CHILD SA that replaces one we were rekeying means the old pair is deleted
    /// now (RFC 7296 §1.3.3: the rekey's initiator deletes the old SA).</summary>
    private void DeleteReplacedByUs(List<IkeSaEffect> fx, IEnumerable<ChildSa> installed)
    {
        foreach (ChildSa child in installed)
        {
            if (child.ReplacesInboundSpi is { } old && _rekeyingByUs?.Remove(old) == true
                && _sa.ChildSas.FirstOrDefault(c => c.InboundSpi == old) is { } replaced && (_deletingByUs ??= []).Add(old))
            {
                Send(fx, _sa.InitiateChildDelete(replaced).Outbound);
                ArmRetransmit(fx);
            }
        }
    }

    private ChildSa? FindChild(uint reqid, uint spi)
    {
        foreach (var (child, childReqid) in _reqids)
        {
            if (childReqid == reqid && (child.InboundSpi == spi || child.OutboundSpi == spi))
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>(Re)starts the IKE SA's lifetime when it is established or replaced by a rekey.</summary>
    private void StartIkeLifetime(List<IkeSaEffect> fx)
    {
        if (_settings.IkeLifetime > TimeSpan.Zero)
        {
            fx.Add(new IkeSaEffect.Arm(IkeSaTimer.IkeLifetime, _settings.IkeLifetime * 1.1, _sa.ResponderSpi));
        }
    }

    private void OnIkeLifetimeExpired(List<IkeSaEffect> fx, ulong responderSpi)
    {
        if (responderSpi == _sa.ResponderSpi && _sa.State == IkeSaState.Established)
        {
            // RFC 7296 §2.8: an SA past its lifetime is not used any more; the client reconnects with a new one.
            Delete(fx, $"not rekeyed by the peer within the IKE lifetime ({_settings.IkeLifetime})", silently: false);
        }
    }
}
