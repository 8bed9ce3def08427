using System.Net;

namespace Concentrator.Ike.Sa;

/// <summary>
/// The life of one responder IKE SA around its pure <see cref="IkeSa"/>, as pure code (like Akka's ClusterHeartbeat
/// state): which SA a datagram is for (the current one or the one a rekey retires), when the answer is held (for the
/// identity registry, for the kernel install), the CHILD SA and IKE SA lifetimes, retransmission, dead peer detection
/// and the half-open limit. Every call returns what to do as <see cref="IkeSaEffect"/>s, which the hosting actor
/// carries out in order; time comes from the SA's <see cref="IkeSaServices.Time"/>. Used on one thread at a time.
/// </summary>
public sealed partial class IkeSaSession : IChildSaListener
{
    private IkeSaSessionSettings _settings;
    // Made on the first drop: most SAs never drop a datagram.
    private Dictionary<DropReason, int>? _drops;
    private IkeSa _sa;
    private long _lastHeard;
    private bool _established;
    private bool _claimed;
    private bool _movedIn;

    private IkeSaSession(IkeSaSessionSettings settings, Func<IkeSaServices, IkeSa> create, IkeSaServices services)
    {
        _settings = settings;
        // The session hears of CHILD SAs added and removed: it only records them, the install is decided after
        // Process returns. As the SA's listener, not hooks in a copy of the (shared) services.
        _sa = create(services);
        _sa.ChildListener = this;
    }

    /// <summary>A responder SA that waits for its IKE_SA_INIT request; <paramref name="spis"/> draws its SPIs (see
    /// <see cref="IkeSa.CreateResponder"/>).</summary>
    public static IkeSaSession Responder(IkeSaConfig config, IkeSaServices services, IPEndPoint local, IPEndPoint remote,
        IkeSaSessionSettings settings, IIkeSpiSource? spis = null) =>
        new(settings, s => IkeSa.CreateResponder(config, s, local, remote, spis), services);

    void IChildSaListener.ChildSaAdded(ChildSa child) => _added.Add(child);

    void IChildSaListener.ChildSaRemoved(ChildSa child) => _removed.Add(child);

    /// <summary>The current SA (after an IKE rekey, the new one).</summary>
    public IkeSa Sa => _sa;

    /// <summary>The SA a rekey replaced while its Delete is under way (the first, when a collision left two).</summary>
    public IkeSa? Retiring => _retiring.Count > 0 ? _retiring[0] : null;

    /// <summary>Every SA a rekey replaced (or made redundant) whose Delete is under way.</summary>
    public IReadOnlyList<IkeSa> RetiringSas => _retiring;

    public IReadOnlyDictionary<DropReason, int> Drops => _drops ?? (IReadOnlyDictionary<DropReason, int>)System.Collections.ObjectModel.ReadOnlyDictionary<DropReason, int>.Empty;

    public int Retransmissions { get; private set; }

    public int InternalErrors { get; private set; }

    private TimeProvider Time => _sa.Services.Time;

    /// <summary>The start of a new SA: the half-open limit runs.</summary>
    public IReadOnlyList<IkeSaEffect> Start()
    {
        _lastHeard = Time.GetTimestamp();
        return [new IkeSaEffect.Arm(IkeSaTimer.HalfOpen, _settings.HalfOpenTimeout)];
    }

    /// <summary>A datagram for this SA; <paramref name="responderSpi"/> is the SPIr of its header as the socket read it.</summary>
    public IReadOnlyList<IkeSaEffect> OnDatagram(ReadOnlyMemory<byte> message, ulong responderSpi, IPEndPoint remote, IPEndPoint local)
    {
        var fx = new List<IkeSaEffect>();
        if (RetiringFor(responderSpi) is { } old)
        {
            OnRetiringDatagram(fx, old, message, remote, local);
            return fx;
        }

        _added.Clear();
        _removed.Clear();
        IkeSaResult result;
        try
        {
            result = _sa.Process(message, remote, local);
        }
#pragma warning disable CA1031 // Whatever the peer sent must not kill the SA: a bug shows as a counted error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            InternalErrors++;
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Error, $"{_sa}: processing a datagram from {remote} failed", e));
            Removals(fx);
            if (_added.Count > 0)
            {
                // A CHILD SA half made cannot be trusted: end the IKE SA rather than leave it inconsistent.
                fx.Add(IkeSaEffect.Stop.Instance);
            }

            return fx;
        }

        Removals(fx);
        Handle(fx, result);
        AfterIkeRekeyStep(fx);
        return fx;
    }

    /// <summary>What follows processing a datagram (or resuming a held EAP round): the answer, drops, the EAP relay.</summary>
    private void Handle(List<IkeSaEffect> fx, IkeSaResult result)
    {
        if (result.IsDropped)
        {
            CountDrop(fx, result.Drop, result.Detail);
            return;
        }

        if (result.Retransmitted)
        {
            // Possibly a replay by anyone on the path: answered, but neither liveness nor the socket moves.
            Send(fx, result.Outbound);
            return;
        }

        _lastHeard = Time.GetTimestamp();
        if (result.Rekeyed is { } next)
        {
            AdoptRekeyed(fx, next);
        }

        fx.Add(IkeSaEffect.UseArrivalSocket.Instance);
        if (Eap(fx, result))
        {
            return;
        }

        if (result.Detail is { } detail)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Debug, $"{_sa}: {detail}"));
        }

        if (_settings.HandsOver && !_movedIn && !_established && _sa.State == IkeSaState.Established)
        {
            // Established here: the rest of the step (identity, kernel, answer) happens in the SA's home.
            fx.Add(new IkeSaEffect.HandOver(result.Outbound));
            return;
        }

        Proceed(fx, result.Outbound);
    }

    /// <summary>The SA arrived in its home (after <see cref="IkeSaEffect.HandOver"/>): its timers there start afresh
    /// and the step IKE_AUTH left unfinished goes on. <paramref name="settings"/>: those of the connection IKE_AUTH
    /// chose (its DPD, lifetimes, uniqueness), when they differ from the handshake's.</summary>
    public IReadOnlyList<IkeSaEffect> Arrive(IReadOnlyList<byte[]> outbound, IkeSaSessionSettings? settings = null)
    {
        _settings = settings ?? _settings;
        _movedIn = true;
        _armedRequest = null;
        _dpdArmed = false;
        var fx = new List<IkeSaEffect>();
        Proceed(fx, outbound);
        return fx;
    }

    /// <summary>The operator, the identity registry or the IKE lifetime ends the SA: its CHILD SAs leave the kernel
    /// first, then, unless <paramref name="silently"/> or not established, a Delete goes to the peer.</summary>
    public IReadOnlyList<IkeSaEffect> OnDelete(string reason, bool silently)
    {
        var fx = new List<IkeSaEffect>();
        Delete(fx, reason, silently);
        return fx;
    }

    private void Delete(List<IkeSaEffect> fx, string reason, bool silently)
    {
        // The CHILD SAs leave the kernel first, whatever follows: a newer SA of the same identity installs the
        // same selectors (its virtual IP) as soon as the sender hears back.
        RemoveAllChildren(fx);
        if (!silently && _sa.State == IkeSaState.Established && _sa.IkeRekeyInFlight)
        {
            // Our IKE rekey is in flight: the Delete goes to whichever SA survives it (AfterIkeRekeyStep).
            _deferredDelete = reason;
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: deleting after the IKE rekey in flight: {reason}"));
            return;
        }

        if (silently || _sa.State != IkeSaState.Established)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: deleted locally: {reason}"));
            fx.Add(IkeSaEffect.Stop.Instance);
            return;
        }

        fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: deleting: {reason}"));
        Send(fx, _sa.InitiateDelete().Outbound);
        AfterStep(fx);
    }

    /// <summary>The host stopped (not after a handover): CHILD SAs out of the kernel, their SPIs and the virtual IPs
    /// back, keys zeroed, a retiring SA gone too.</summary>
    public IReadOnlyList<IkeSaEffect> OnStopped()
    {
        var fx = new List<IkeSaEffect>();
        foreach (ChildSa child in _sa.ChildSas.Concat(_reqids.Keys))
        {
            fx.Add(new IkeSaEffect.ReleaseChildSpi(child.InboundSpi));
        }

        RemoveAllChildren(fx);
        // Gives the virtual IPs back to the pool and zeroes the keys.
        _sa.Dispose();
        RetireAll(fx);
        return fx;
    }

    /// <summary>After a step: claims the identity once the SA is established, then installs or sends.</summary>
    private void Proceed(List<IkeSaEffect> fx, IReadOnlyList<byte[]> outbound)
    {
        // A client redirected in IKE_AUTH (RFC 5685 §6) takes its identity elsewhere: it claims nothing here.
        if (!_claimed && _sa.State == IkeSaState.Established && _settings.ClaimsIdentity && _sa.RedirectedTo is null && _sa.RemoteIdentity is { } identity)
        {
            // Uniqueness first: an older SA of this identity leaves the kernel before this one's CHILD SAs go in,
            // since with the same virtual IP both would install the same selectors.
            _claimed = true;
            fx.Add(new IkeSaEffect.ClaimIdentity(identity, _sa.InitialContactReceived));
            Hold(fx, IkeSaWait.Identity, IkeSaTimer.Identity, outbound);
            return;
        }

        Continue(fx, outbound);
    }

    /// <summary>Installs the step's new CHILD SAs (holding the answer until the kernel has them) or sends the answer.</summary>
    private void Continue(List<IkeSaEffect> fx, IReadOnlyList<byte[]> outbound)
    {
        ArmRedirectFallback(fx);
        if (_added.Count > 0)
        {
            HoldForKernel(fx, outbound);
            return;
        }

        if (_sa.State is IkeSaState.Deleted or IkeSaState.Failed)
        {
            // Told before the last answer leaves: a peer that reacts to it (a COOKIE answer, say) with a new
            // IKE_SA_INIT of the same SPIi must get a new SA from the dispatcher, not this ending one.
            fx.Add(new IkeSaEffect.Ending(_sa.ResponderSpi));
        }

        Send(fx, outbound);
        AfterStep(fx);
    }

    /// <summary>What follows every step: stop when the SA is over (its last datagrams already sent), leave half-open
    /// once established, and (re)arm the retransmission of a new request.</summary>
    private void AfterStep(List<IkeSaEffect> fx)
    {
        switch (_sa.State)
        {
            case IkeSaState.Deleted or IkeSaState.Failed:
                // The reason (unknown identity, wrong PSK, …) names identities, escaped, and never a secret.
                fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: ended ({_sa.FailureNotify?.ToString() ?? "deleted"}"
                    + (_sa.FailureReason is { } why ? $": {why}" : "") + ")"));
                fx.Add(IkeSaEffect.Stop.Instance);
                return;
            case IkeSaState.Established:
                if (!_established)
                {
                    _established = true;
                    fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.HalfOpen));
                    fx.Add(new IkeSaEffect.Established(_sa.ResponderSpi, _sa.RemoteIdentity));
                    StartIkeLifetime(fx);
                    fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: established with {_sa.RemoteIdentity} at {_sa.RemoteEndpoint}"
                        + $"{NatNote()}, virtual IP {(_sa.VirtualIps.Count == 0 ? "none" : string.Join(", ", _sa.VirtualIps))}, {_reqids.Count} CHILD SA(s)"
                        + (_sa.EapOnly ? ", EAP-only authentication (RFC 5998)" : "")));
                }

                if (_settings.DpdDelay > TimeSpan.Zero && !_dpdArmed)
                {
                    ArmDpd(fx, _settings.DpdDelay);
                }

                break;
        }

        ArmRetransmit(fx);
    }

    // RFC 7296 §2.23: which side the NAT detection payloads put behind a NAT (ESP then travels in UDP 4500).
    private string NatNote() => (_sa.RemoteBehindNat, _sa.LocalBehindNat) switch
    {
        (true, true) => " (both behind NAT)",
        (true, false) => " (peer behind NAT)",
        (false, true) => " (we are behind NAT)",
        _ => "",
    };

    private void Send(List<IkeSaEffect> fx, IReadOnlyList<byte[]> outbound)
    {
        if (outbound.Count > 0)
        {
            fx.Add(new IkeSaEffect.Send(_sa.LocalEndpoint, _sa.RemoteEndpoint, outbound));
        }
    }

    private void CountDrop(List<IkeSaEffect> fx, DropReason reason, string? detail)
    {
        _drops ??= [];
        int count = _drops[reason] = _drops.GetValueOrDefault(reason) + 1;
        // Logged the 1st, 2nd, 4th, 8th … time per reason: a flood of junk cannot flood the log.
        if ((count & (count - 1)) == 0)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Warning, $"{_sa}: dropped a datagram ({reason}, {count} so far): {detail}"));
        }
    }
}
