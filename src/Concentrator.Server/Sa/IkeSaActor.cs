using System.Net;
using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

/// <summary>
/// One IKE SA: a thin actor over the pure <see cref="IkeSa"/> (which holds all protocol logic). It feeds it the
/// datagrams the socket routes here, sends what it answers through the socket actor, runs its timers
/// (retransmission, half-open, DPD; IkeSaActor.Timers.cs) and puts its CHILD SAs into the kernel through the kernel
/// actor before the message that completes them leaves (IkeSaActor.Kernel.cs). The handshake runs in an actor under
/// the dispatcher; once IKE_AUTH established the SA it moves to an actor under its connection's home
/// (IkeSaActor.Handover.cs). On stop it removes its CHILD SAs, gives its virtual IPs back
/// (<see cref="IkeSa.Dispose"/>) and unregisters its SPIs.
/// </summary>
public sealed partial class IkeSaActor : UntypedActor, IWithTimers, IWithStash
{
    private IkeSa _sa;
    private Phase _phase = Phase.Active;
    private readonly IkeSaEnvironment _env;
    private readonly IkeSaActorSettings _settings;
    private readonly IActorRef _kernel;
    private readonly IkeSpis? _spis;
    private readonly bool _requireCookie;
    private IActorRef _socket = ActorRefs.Nobody;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<DropReason, int> _drops;
    private int _internalErrors;
    private bool _established;

    public IkeSaActor(IkeSaConfig config, IPEndPoint local, IPEndPoint remote, IkeSaEnvironment environment, bool requireCookie)
    {
        _env = environment;
        _settings = environment.Settings;
        _kernel = environment.Kernel;
        _requireCookie = requireCookie;
        _added = [];
        _removed = [];
        _drops = [];
        _spis = environment.Spis is { } table ? new IkeSpis(table, Self) : null;
        // The actor owns the kernel hooks: they only record, the kernel actor is told after Process returns. The SPIs
        // (this SA's, and a rekeyed SA's) are drawn by the SPI table for this actor, so none can collide later.
        _sa = IkeSa.CreateResponder(config, environment.Services with
        {
            InstallChildSa = _added.Add,
            UninstallChildSa = _removed.Add,
            IkeSpiAllocator = _spis is null ? environment.Services.IkeSpiAllocator : _spis.Allocate,
        }, local, remote);
    }

    /// <summary>What the actor waits for. One receive method switching on this field instead of Become: with a
    /// hundred thousand IKE SAs, per-instance handler tables (ReceiveActor) cost memory and every Become rebuilt one.</summary>
    private enum Phase
    {
        Active,
        AwaitingIdentity,
        AwaitingKernel,
        HandingOver,
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    /// <summary>A responder IKE SA actor; give it the IKE_SA_INIT request that made it first.
    /// <paramref name="requireCookie"/> is the creator's verdict that too many SAs are half-open (RFC 7296 §2.6):
    /// the IKE_SA_INIT is then answered with a COOKIE unless it carries a valid one.</summary>
    public static Props Props(IkeSaConfig config, IPEndPoint local, IPEndPoint remote, IkeSaEnvironment environment,
        bool requireCookie = false) =>
        Akka.Actor.Props.Create(() => new IkeSaActor(config, local, remote, environment, requireCookie));

    protected override void PreStart()
    {
        if (_arrived is { } handover)
        {
            ArriveFromHandshake(handover);
            return;
        }

        _lastHeard = _sa.Services.Time.GetTimestamp();
        Timers.StartSingleTimer(HalfOpenKey, HalfOpenExpired.Instance, _settings.HalfOpenTimeout);
    }

    protected override void PostStop()
    {
        if (_handedOver)
        {
            // The SA lives on in the actor it moved to: its leases, SPIs and CHILD SAs stay.
            return;
        }

        foreach (ChildSa child in _sa.ChildSas.Concat(_reqids.Keys))
        {
            _env.ChildSpis?.Release(child.InboundSpi);
        }

        RemoveAllChildren();
        // Gives the virtual IPs back to the pool and zeroes the keys.
        _sa.Dispose();
        RetireNow();
        _spis?.ReleaseAll();
    }

    protected override void OnReceive(object message)
    {
        switch (_phase)
        {
            case Phase.AwaitingKernel:
                AwaitingKernel(message);
                break;
            case Phase.AwaitingIdentity:
                AwaitingIdentity(message);
                break;
            case Phase.HandingOver:
                HandingOver(message);
                break;
            default:
                Active(message);
                break;
        }
    }

    private void Active(object message)
    {
        switch (message)
        {
            case IkeDatagram d:
                OnDatagram(d);
                break;
            case RetransmitTick tick:
                OnRetransmit(tick);
                break;
            case DpdTick:
                OnDpd();
                break;
            case DpdTimedOut timedOut:
                OnDpdTimedOut(timedOut);
                break;
            case RetireExpired:
                RetireNow();
                break;
            case Concentrator.Kernel.SaExpiredEvent expired:
                OnSaExpired(expired);
                break;
            case IkeLifetimeExpired expired:
                OnIkeLifetimeExpired(expired);
                break;
            case HalfOpenExpired:
                OnHalfOpen();
                break;
            case DeleteIkeSa delete:
                OnDelete(delete);
                break;
            case GetIkeSaStatus:
                Sender.Tell(Status());
                break;
            case KernelFailed failed:
                _log.Warning("{0}: removing a CHILD SA failed: {1}", _sa, failed);
                break;
            case KernelDone or KernelTimeout or IdentityGranted or IdentityTimeout:
                // Late answers of a wait already over.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnDatagram(IkeDatagram d)
    {
        if (ForRetiring(d))
        {
            OnRetiringDatagram(d);
            return;
        }

        _added.Clear();
        _removed.Clear();
        IkeSaResult result;
        try
        {
            result = _sa.Process(d.Message, d.Remote, d.Local, _requireCookie);
        }
#pragma warning disable CA1031 // Whatever the peer sent must not kill the SA: a bug shows as a counted error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _internalErrors++;
            _log.Error(e, "{0}: processing a datagram from {1} failed", _sa, d.Remote);
            SendRemovals();
            if (_added.Count > 0)
            {
                // A CHILD SA half made cannot be trusted: end the IKE SA rather than leave it inconsistent.
                Context.Stop(Self);
            }

            return;
        }

        SendRemovals();
        if (result.IsDropped)
        {
            CountDrop(result.Drop, result.Detail);
            return;
        }

        if (result.Retransmitted)
        {
            // Possibly a replay by anyone on the path: answered, but neither liveness nor the socket moves.
            Send(result.Outbound);
            return;
        }

        _lastHeard = _sa.Services.Time.GetTimestamp();
        if (result.Rekeyed is { } next)
        {
            AdoptRekeyed(next);
        }

        // Answers and later requests leave through the socket the peer's latest accepted message came in on
        // (after NAT detection that is the port 4500 socket, RFC 7296 §2.23).
        _socket = d.Socket;
        if (result.Detail is { } detail)
        {
            _log.Debug("{0}: {1}", _sa, detail);
        }

        if (MovesNow)
        {
            HandOver(result.Outbound);
            return;
        }

        Proceed(result.Outbound);
    }

    /// <summary>After a step: claims the identity once the SA is established, then installs or sends.</summary>
    private void Proceed(IReadOnlyList<byte[]> outbound)
    {
        if (!_claimed && _sa.State == IkeSaState.Established && _env.Identities is { } identities && _sa.RemoteIdentity is { } identity)
        {
            // Uniqueness first (IkeSaActor.Identity.cs): an older SA of this identity leaves the kernel before this
            // one's CHILD SAs go in, since with the same virtual IP both would install the same selectors.
            _claimed = true;
            identities.Tell(new ClaimIdentity(identity, _sa.InitialContactReceived));
            AwaitIdentity(outbound);
            return;
        }

        Continue(outbound);
    }

    /// <summary>Installs the step's new CHILD SAs (holding the answer until the kernel has them) or sends the answer.</summary>
    private void Continue(IReadOnlyList<byte[]> outbound)
    {
        if (_added.Count > 0)
        {
            HoldForKernel(outbound);
            return;
        }

        if (_sa.State is IkeSaState.Deleted or IkeSaState.Failed)
        {
            // Told before the last answer leaves: a peer that reacts to it (a COOKIE answer, say) with a new
            // IKE_SA_INIT of the same SPIi must get a new SA from the dispatcher, not this ending one.
            _env.Observer?.Tell(new IkeSaEnding(_sa.ResponderSpi));
        }

        Send(outbound);
        AfterStep();
    }

    /// <summary>What follows every step: stop when the SA is over (its last datagrams already handed to the socket),
    /// leave half-open once established, and (re)arm the retransmission of a new request.</summary>
    private void AfterStep()
    {
        switch (_sa.State)
        {
            case IkeSaState.Deleted or IkeSaState.Failed:
                // The reason (unknown identity, wrong PSK, …) names identities, escaped, and never a secret.
                _log.Info("{0}: ended ({1}{2})", _sa, _sa.FailureNotify?.ToString() ?? "deleted",
                    _sa.FailureReason is { } why ? $": {why}" : "");
                Context.Stop(Self);
                return;
            case IkeSaState.Established:
                if (!_established)
                {
                    _established = true;
                    Timers.Cancel(HalfOpenKey);
                    _env.Observer?.Tell(new IkeSaEstablished(_sa.ResponderSpi, _sa.RemoteIdentity));
                    StartIkeLifetime();
                    _log.Info("{0}: established with {1} at {2}{3}, virtual IP {4}, {5} CHILD SA(s)", _sa, _sa.RemoteIdentity,
                        _sa.RemoteEndpoint, NatNote(), _sa.VirtualIps.Count == 0 ? "none" : string.Join(", ", _sa.VirtualIps), _reqids.Count);
                }

                if (_settings.DpdDelay > TimeSpan.Zero && !Timers.IsTimerActive(DpdKey))
                {
                    Timers.StartSingleTimer(DpdKey, DpdTick.Instance, _settings.DpdDelay);
                }

                break;
        }

        ArmRetransmit();
    }

    // RFC 7296 §2.23: which side the NAT detection payloads put behind a NAT (ESP then travels in UDP 4500).
    private string NatNote() => (_sa.RemoteBehindNat, _sa.LocalBehindNat) switch
    {
        (true, true) => " (both behind NAT)",
        (true, false) => " (peer behind NAT)",
        (false, true) => " (we are behind NAT)",
        _ => "",
    };

    private void OnDelete(DeleteIkeSa delete)
    {
        // The CHILD SAs leave the kernel first, whatever follows: a newer SA of the same identity installs the
        // same selectors (its virtual IP) as soon as the sender hears back.
        RemoveAllChildren();
        if (!Sender.IsNobody())
        {
            Sender.Tell(IkeSaReleased.Instance);
        }

        if (delete.Silently || _sa.State != IkeSaState.Established)
        {
            _log.Info("{0}: deleted locally: {1}", _sa, delete.Reason);
            Context.Stop(Self);
            return;
        }

        _log.Info("{0}: deleting: {1}", _sa, delete.Reason);
        Send(_sa.InitiateDelete().Outbound);
        AfterStep();
    }

    private void Send(IReadOnlyList<byte[]> outbound)
    {
        foreach (byte[] datagram in outbound)
        {
            _socket.Tell(new SendIke(_sa.LocalEndpoint, _sa.RemoteEndpoint, datagram));
        }
    }

    private void CountDrop(DropReason reason, string? detail)
    {
        int count = _drops[reason] = _drops.GetValueOrDefault(reason) + 1;
        // Logged the 1st, 2nd, 4th, 8th … time per reason: a flood of junk cannot flood the log.
        if ((count & (count - 1)) == 0)
        {
            _log.Warning("{0}: dropped a datagram ({1}, {2} so far): {3}", _sa, reason, count, detail);
        }
    }

    private IkeSaStatus Status() => new(
        _sa.State,
        _sa.InitiatorSpi,
        _sa.ResponderSpi,
        _sa.RemoteIdentity?.ToString(),
        _sa.VirtualIps.ToList(),
        _reqids.Count,
        new Dictionary<DropReason, int>(_drops),
        _retransmissions,
        _internalErrors,
        _droppedWhileInstalling);
}
