namespace Concentrator.Ike.Sa;

// CHILD SA lifetimes (RFC 7296 §2.8): the kernel's soft expiry of a state the peer has not rekeyed in time makes us
// rekey it (CREATE_CHILD_SA with REKEY_SA, then a Delete of the old pair once the new one is installed); the hard
// expiry means the kernel already dropped the state, so the CHILD SA is deleted towards the peer. The IKE SA is
// rekeyed by us at its lifetime less a jitter (IkeSaSession.Rekey.cs) unless the peer rekeys it first; one still not
// rekeyed at its lifetime plus 10% is deleted. While our IKE rekey is in flight, CHILD SA work waits for it.
public sealed partial class IkeSaSession
{
    // Inbound SPIs of CHILD SAs we are rekeying or deleting: one action per CHILD SA, however many of its states
    // (in and out) expire. Made on first use: most SAs are never rekeyed or deleted by us.
    private HashSet<uint>? _rekeyingByUs;
    private HashSet<uint>? _deletingByUs;

    // Kernel expiries and a Delete that arrived while our IKE rekey was in flight: done on the surviving SA after it.
    private readonly List<(uint Reqid, uint Spi, bool Hard)> _deferredExpiries = [];
    private string? _deferredDelete;

    /// <summary>The kernel's state <paramref name="spi"/> of <paramref name="reqid"/> reached its soft or
    /// <paramref name="hard"/> lifetime.</summary>
    public IReadOnlyList<IkeSaEffect> OnChildExpired(uint reqid, uint spi, bool hard)
    {
        var fx = new List<IkeSaEffect>();
        if (_sa.State != IkeSaState.Established || FindChild(reqid, spi) is not { } child)
        {
            return fx;
        }

        if (_ikeRekeyOn is not null)
        {
            // RFC 7296 §2.25.2 makes the peer refuse CHILD SA rekeys while the IKE SA is being rekeyed: wait for ours.
            _deferredExpiries.Add((reqid, spi, hard));
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
        if (_sa.State != IkeSaState.Established || _ikeRekeyOn is not null)
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

    /// <summary>Simultaneous rekeys of one CHILD SA (RFC 7296 §2.8.1): two new CHILD SAs replace the same old one. "The
    /// SA created with the lowest of the four nonces used in the two exchanges SHOULD be closed by the endpoint that
    /// created it": deleted here when that is us; the peer deletes it otherwise.</summary>
    private void DeleteRedundantByUs(List<IkeSaEffect> fx, IEnumerable<ChildSa> installed)
    {
        foreach (ChildSa child in installed)
        {
            if (child.ReplacesInboundSpi is not { } old
                || _sa.ChildSas.FirstOrDefault(c => !ReferenceEquals(c, child) && c.ReplacesInboundSpi == old) is not { } sibling)
            {
                continue;
            }

            ChildSa loser = child.RekeyLowestNonce.Span.SequenceCompareTo(sibling.RekeyLowestNonce.Span) < 0 ? child : sibling;
            ChildRekeyCollisions++;
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: simultaneous CHILD SA rekeys of {old:x8}_i: {loser.InboundSpi:x8}_i "
                + $"(lowest nonce) is redundant, deleted by {(loser.CreatedByUs ? "us" : "the peer")}"));
            if (loser.CreatedByUs && (_deletingByUs ??= []).Add(loser.InboundSpi))
            {
                Send(fx, _sa.InitiateChildDelete(loser).Outbound);
                ArmRetransmit(fx);
            }
        }
    }

    /// <summary>Simultaneous CHILD SA rekeys resolved by the nonces (RFC 7296 §2.8.1).</summary>
    public int ChildRekeyCollisions { get; private set; }

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

    /// <summary>(Re)starts the IKE SA's lifetime when it is established or replaced by a rekey: our rekey at the
    /// lifetime less up to a tenth of it at random, the delete at the lifetime plus a tenth (strongSwan's rekey_time,
    /// rand_time and over_time, each 10% by default).</summary>
    private void StartIkeLifetime(List<IkeSaEffect> fx)
    {
        if (_settings.IkeLifetime > TimeSpan.Zero)
        {
            // RFC 7296 §2.8.1: "the timing of rekeying requests SHOULD be jittered", so both ends rarely collide.
            // Both timers carry the one boxed SPI (each is kept while it runs).
            object spi = _sa.LocalSpi;
            fx.Add(new IkeSaEffect.Arm(IkeSaTimer.IkeRekey, _settings.IkeLifetime * (1 - (0.1 * Fraction())), spi));
            fx.Add(new IkeSaEffect.Arm(IkeSaTimer.IkeLifetime, _settings.IkeLifetime * 1.1, spi));
        }
    }

    private void OnIkeLifetimeExpired(List<IkeSaEffect> fx, ulong localSpi)
    {
        if (localSpi == _sa.LocalSpi && _sa.State == IkeSaState.Established)
        {
            // RFC 7296 §2.8: an SA past its lifetime is not used any more; the client reconnects with a new one.
            Delete(fx, $"not rekeyed within the IKE lifetime ({_settings.IkeLifetime}) plus 10%", silently: false);
        }
    }

    /// <summary>What waited for our IKE rekey: the Delete, else the CHILD SA expiries, on the SA that survived it.</summary>
    private void ReplayDeferred(List<IkeSaEffect> fx)
    {
        if (_deferredDelete is { } reason)
        {
            _deferredDelete = null;
            _deferredExpiries.Clear();
            Delete(fx, reason, silently: false);
            return;
        }

        if (_deferredExpiries.Count == 0)
        {
            return;
        }

        var expiries = _deferredExpiries.ToList();
        _deferredExpiries.Clear();
        foreach (var (reqid, spi, hard) in expiries)
        {
            fx.AddRange(OnChildExpired(reqid, spi, hard));
        }
    }
}
