using System.Buffers.Binary;
using System.Net;

namespace Concentrator.Ike.Sa;

// IKE SA rekeying (RFC 7296 §1.3.2, §2.18), by either end: a CREATE_CHILD_SA makes a new IkeSa with new SPIs that
// takes over the CHILD SAs and virtual IPs. The session keeps the old one (and, after simultaneous rekeys, the
// redundant new one, §2.8.2) until its Delete is done; datagrams are told apart by their responder SPI. The gateway
// starts a rekey itself at the IKE lifetime less a random part of its last tenth (strongSwan's rekey_time with
// rand_time), so both ends rarely start at once.
public sealed partial class IkeSaSession
{
    private readonly List<IkeSa> _retiring = [];

    /// <summary>The retiring SA whose Delete we sent and retransmit until answered.</summary>
    private IkeSa? _deleting;

    /// <summary>Retransmission n (0 = the first) of the Delete <paramref name="Request"/> on the retiring <paramref name="Sa"/>.</summary>
    private sealed record RetiringAttempt(int Attempt, IkeSa Sa, IReadOnlyList<byte[]> Request);

    /// <summary>The SA on which we started an IKE rekey still in flight (or not yet seen to end).</summary>
    private IkeSa? _ikeRekeyOn;

    /// <summary>Our IKE SA rekeys that completed (the new SA adopted).</summary>
    public int IkeRekeysByUs { get; private set; }

    /// <summary>Simultaneous IKE SA rekeys resolved by the nonces (RFC 7296 §2.8.2).</summary>
    public int IkeRekeyCollisions { get; private set; }

    /// <summary>The operator asks for an IKE SA rekey now (CREATE_CHILD_SA with SA, Ni, KEi, RFC 7296 §1.3.2), as at
    /// the rekey time. False (nothing sent) when the SA is not established or a rekey of it is already under way;
    /// when another request of ours is in flight the rekey follows it.</summary>
    public IReadOnlyList<IkeSaEffect> RekeyIkeSaNow(out bool started)
    {
        var fx = new List<IkeSaEffect>();
        started = _sa.State == IkeSaState.Established && _ikeRekeyOn is null && Waiting == IkeSaWait.None;
        if (started)
        {
            StartIkeRekey(fx, "on the operator's request");
        }

        return fx;
    }

    private void OnIkeRekeyDue(List<IkeSaEffect> fx, ulong localSpi)
    {
        if (localSpi != _sa.LocalSpi || _sa.State != IkeSaState.Established || _ikeRekeyOn is not null)
        {
            return;
        }

        StartIkeRekey(fx, $"at its rekey time (lifetime {_settings.IkeLifetime})");
    }

    private void StartIkeRekey(List<IkeSaEffect> fx, string why)
    {
        if (_sa.Busy)
        {
            // One exchange at a time: the rekey waits for the request in flight rather than queue behind it, so
            // nothing of the old SA is left to send once the new one has taken over.
            fx.Add(new IkeSaEffect.Arm(IkeSaTimer.IkeRekey, _settings.RetransmitDelay(0), _sa.LocalSpi));
            return;
        }

        _ikeRekeyOn = _sa;
        fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: rekeying the IKE SA {why}"));
        Send(fx, _sa.InitiateRekey().Outbound);
        ArmRetransmit(fx);
    }

    /// <summary>After a datagram: our rekey ended without a new SA (refused: TEMPORARY_FAILURE, NO_PROPOSAL_CHOSEN…)
    /// means a retry after a while; once no rekey of ours is in flight, what waited for it goes on.</summary>
    private void AfterIkeRekeyStep(List<IkeSaEffect> fx)
    {
        if (_ikeRekeyOn is { } on && !on.IkeRekeyInFlight)
        {
            _ikeRekeyOn = null;
            if (ReferenceEquals(on, _sa) && _sa.State == IkeSaState.Established)
            {
                // RFC 7296 §2.25: after TEMPORARY_FAILURE the request is retried after a while (the hard lifetime
                // still ends an SA that never gets rekeyed).
                TimeSpan retry = _settings.RetransmitDelay(0) * (1 + Fraction());
                fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Warning, $"{_sa}: IKE SA rekey refused ({_sa.IkeRekeyFailure?.ToString() ?? "no acceptable answer"}); retrying in {retry.TotalSeconds:0.#}s"));
                fx.Add(new IkeSaEffect.Arm(IkeSaTimer.IkeRekey, retry, _sa.LocalSpi));
            }
        }

        if (_ikeRekeyOn is null)
        {
            ReplayDeferred(fx);
        }
    }

    private void AdoptRekeyed(List<IkeSaEffect> fx, IkeSa next)
    {
        RetireAll(fx);
        IkeSa old = _sa;
        fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{next}: IKE SA rekeyed by {(next.IsInitiator ? "us" : "the peer")}, replaces {old.LocalSpi:x16}"));
        _retiring.Add(old);
        _sa = next;
        StartIkeLifetime(fx);
        // The rekey's initiator deletes the old SA right away (§2.18); one that never does is dropped anyway.
        fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Retire, _settings.HalfOpenTimeout));
        if (next.IsInitiator)
        {
            // RFC 7296 §2.18: "After the new equivalent IKE SA is created, the initiator deletes the old IKE SA, and the
            // Delete payload to delete itself MUST be the last request sent over the old IKE SA."
            IkeRekeysByUs++;
            DeleteRetiring(fx, old);
        }
    }

    private void OnRetiringDatagram(List<IkeSaEffect> fx, IkeSa old, ReadOnlyMemory<byte> message, IPEndPoint remote, IPEndPoint local)
    {
        IkeSa? redundantBefore = old.RedundantRekey;
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

        if (old.RedundantRekey is { } loser && !ReferenceEquals(loser, redundantBefore))
        {
            Collided(fx, old, loser);
        }

        if (old.State is IkeSaState.Deleted or IkeSaState.Failed)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{old}: {(ReferenceEquals(old, _sa.RekeyedTo) ? "redundant" : "old")} IKE SA deleted after the rekey"));
            Retire(fx, old);
        }

        AfterIkeRekeyStep(fx);
    }

    /// <summary>Both ends rekeyed <paramref name="old"/> at once (RFC 7296 §2.8.2): the new SA with the lowest nonce
    /// (<paramref name="loser"/>) is closed by whoever created it, and the old SA by whoever created the survivor.</summary>
    private void Collided(List<IkeSaEffect> fx, IkeSa old, IkeSa loser)
    {
        IkeSa winner = old.RekeyedTo!;
        IkeRekeyCollisions++;
        fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{old}: simultaneous IKE SA rekeys: {winner.LocalSpi:x16} stays, "
            + $"{loser.LocalSpi:x16} (lowest nonce) is deleted by {(loser.IsInitiator ? "us" : "the peer")}"));
        if (!ReferenceEquals(winner, _sa))
        {
            // The peer's rekey, adopted first, lost: ours takes over.
            _retiring.Add(_sa);
            _sa = winner;
            StartIkeLifetime(fx);
        }
        else
        {
            _retiring.Add(loser);
        }

        fx.Add(new IkeSaEffect.Arm(IkeSaTimer.Retire, _settings.HalfOpenTimeout));
        if (loser.IsInitiator)
        {
            DeleteRetiring(fx, loser);
        }

        if (winner.IsInitiator && old.State == IkeSaState.Established)
        {
            IkeRekeysByUs++;
            DeleteRetiring(fx, old);
        }
    }

    private IkeSa? RetiringFor(ulong responderSpi)
    {
        foreach (IkeSa old in _retiring)
        {
            if (old.ResponderSpi == responderSpi)
            {
                return old;
            }
        }

        return null;
    }

    private void Retire(List<IkeSaEffect> fx, IkeSa old)
    {
        if (!_retiring.Remove(old))
        {
            return;
        }

        if (ReferenceEquals(_deleting, old))
        {
            _deleting = null;
            fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.RetiringRetransmit));
        }

        if (_retiring.Count == 0)
        {
            fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.Retire));
        }

        fx.Add(new IkeSaEffect.ReleaseIkeSpi(old.LocalSpi));
        // Nothing of the kernel or the pool goes with it: the new SA holds them.
        old.Dispose();
    }

    /// <summary>Sends the Delete of a rekeyed-away (or redundant) SA of ours and keeps retransmitting it: RFC 7296 §2.1,
    /// "the initiator MUST retransmit the request until it either receives a corresponding response or deems the IKE SA
    /// to have failed"; the Delete of an IKE SA is an INFORMATIONAL request like any other (§1.4.1). The SA is retired
    /// on the answer, or when the retransmissions run out (the new SA is not affected).</summary>
    private void DeleteRetiring(List<IkeSaEffect> fx, IkeSa old)
    {
        Send(fx, old.InitiateDelete().Outbound);
        if (old.PendingRequest is { } pending)
        {
            _deleting = old;
            fx.Add(new IkeSaEffect.Arm(IkeSaTimer.RetiringRetransmit, _settings.RetransmitDelay(0), new RetiringAttempt(0, old, pending)));
        }
    }

    private void OnRetiringRetransmit(List<IkeSaEffect> fx, RetiringAttempt attempt)
    {
        IkeSa old = attempt.Sa;
        if (!ReferenceEquals(_deleting, old) || !ReferenceEquals(old.PendingRequest, attempt.Request))
        {
            return;
        }

        if (attempt.Attempt >= _settings.RetransmitTries)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Warning, $"{old}: no answer to the Delete of the old IKE SA after {attempt.Attempt} retransmissions; removed"));
            Retire(fx, old);
            return;
        }

        // A retransmission repeats the request octet for octet (§2.1), from and to the old SA's endpoints.
        Retransmissions++;
        fx.Add(new IkeSaEffect.Send(old.LocalEndpoint, old.RemoteEndpoint, attempt.Request));
        fx.Add(new IkeSaEffect.Arm(IkeSaTimer.RetiringRetransmit, _settings.RetransmitDelay(attempt.Attempt + 1),
            new RetiringAttempt(attempt.Attempt + 1, old, attempt.Request)));
    }

    /// <summary>The grace period of retiring SAs ran out: those the peer was to delete go; one whose Delete we are
    /// retransmitting stays until it is answered or its retransmissions run out.</summary>
    private void RetireAllButDeleting(List<IkeSaEffect> fx)
    {
        foreach (IkeSa old in _retiring.ToList())
        {
            if (!ReferenceEquals(old, _deleting))
            {
                Retire(fx, old);
            }
        }
    }

    private void RetireAll(List<IkeSaEffect> fx)
    {
        foreach (IkeSa old in _retiring.ToList())
        {
            Retire(fx, old);
        }
    }

    /// <summary>A uniform fraction in [0, 1) from the SA's random source (tests fix it).</summary>
    private double Fraction()
    {
        Span<byte> octets = stackalloc byte[4];
        _sa.Services.Random.Fill(octets);
        return BinaryPrimitives.ReadUInt32BigEndian(octets) / (double)(1UL << 32);
    }
}
