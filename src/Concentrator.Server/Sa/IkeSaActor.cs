using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using System.Net;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;
using Concentrator.Server.Network;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Sa;

/// <summary>
/// One IKE SA: a thin actor over the pure <see cref="IkeSaSession"/> (the SA's life: which IkeSa a datagram is for,
/// held answers, lifetimes, retransmission, DPD) around the pure <see cref="IkeSa"/> (the protocol). Each handler
/// hands its message to the session and carries out the <see cref="IkeSaEffect"/>s it returns (IkeSaActor.Effects.cs):
/// datagrams through the socket actor, CHILD SAs into the kernel through the kernel actor, the identity claim, timers,
/// stash. The handshake runs in an actor under the dispatcher; once IKE_AUTH established the SA it moves to an actor
/// under its connection's home (IkeSaActor.Handover.cs). On stop it removes its CHILD SAs, gives its virtual IPs back
/// and unregisters its SPIs.
/// </summary>
public sealed partial class IkeSaActor : UntypedActor, IRequiresMessageQueue<IUnboundedDequeBasedMessageQueueSemantics>
{
    private readonly IkeSaSession _session;
    private readonly IkeSaEnvironment _env;
    private readonly IkeSaActorSettings _settings;
    private readonly IActorRef _kernel;
    private readonly IkeSpis? _spis;
    private IActorRef _socket = ActorRefs.Nobody;
    private readonly ILogger _log = ServerLogging.For<IkeSaActor>(Context);

    public IkeSaActor(IkeSaConfig config, IPEndPoint local, IPEndPoint remote, IkeSaEnvironment environment)
    {
        _env = environment;
        _settings = environment.Settings;
        _kernel = environment.Kernel;
        _spis = environment.Spis is { } table ? new IkeSpis(table, Self) : null;
        Timers = new ActorTimers(Self, Context.System.Scheduler);
        // The SPIs (this SA's, and a rekeyed SA's) are drawn by the SPI table for this actor, so none can collide later.
        _session = IkeSaSession.Responder(config, environment.Services, local, remote, SessionSettings(environment), _spis);
    }

    /// <summary>A timer of the session ran out.</summary>
    private sealed record Tick(IkeSaTimer Timer, object? Token);

    /// <summary>The SA's timers: Akka's <c>IWithTimers</c> costs a dictionary and two objects per timer, this a slot.</summary>
    private ActorTimers Timers { get; }

    private IStash? _stash;

    /// <summary>Akka's stash, made when the SA first stashes (a datagram while it waits for the kernel or the identity
    /// registry) rather than by Akka for every actor (IWithStash): a node holds a hundred thousand SAs that never stash
    /// once established (issue 13, 88 bytes each). Unlike IWithStash, what is stashed when the actor stops or restarts
    /// is dropped, not sent on: datagrams the peer retransmits. The mailbox is deque-based (CompactMailbox, or Akka's
    /// deque mailbox where no mailbox is deployed: the actor requires one).</summary>
    private IStash Stash => _stash ??= new Akka.Actor.Internal.UnboundedStashImpl(Context);

    private IkeSa Sa => _session.Sa;

    /// <summary>A responder IKE SA actor; give it the IKE_SA_INIT request that made it first (admitted by the
    /// dispatcher, which has already demanded a COOKIE where one was due, RFC 7296 §2.6).</summary>
    /// <param name="deploy">Where and how it runs (e.g. <see cref="CompactMailbox.Deploy"/>); none: Akka's defaults.</param>
    public static Props Props(IkeSaConfig config, IPEndPoint local, IPEndPoint remote, IkeSaEnvironment environment, Deploy? deploy = null) =>
        new(deploy ?? Deploy.None, typeof(IkeSaActor), config, local, remote, environment);

    /// <summary>The session settings of SAs with <paramref name="environment"/>: made once per connection's settings (and
    /// the two flags) and shared, since a node holds a hundred thousand SAs of a few connections.</summary>
    private static IkeSaSessionSettings SessionSettings(IkeSaEnvironment environment)
    {
        IkeSaActorSettings settings = environment.Settings;
        bool claims = environment.Identities is not null, handsOver = environment.Home is not null;
        var shared = SharedSessionSettings.GetValue(settings, _ => new IkeSaSessionSettings?[4]);
        int slot = (claims ? 2 : 0) + (handsOver ? 1 : 0);
        return shared[slot] ??= new IkeSaSessionSettings(settings.Retransmit.Delay, settings.Retransmit.Tries, settings.HalfOpenTimeout,
            settings.DpdDelay, settings.DpdTimeout, settings.IkeLifetime, settings.KernelTimeout, settings.ReqidAllocator)
        {
            ClaimsIdentity = claims,
            HandsOver = handsOver,
            EapTimeout = settings.EapTimeout,
        };
    }

    // Keyed by reference: records that are equal but distinct (a reload) get their own, which is just as right.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IkeSaActorSettings, IkeSaSessionSettings?[]> SharedSessionSettings = [];

    protected override void PreStart()
    {
        if (_arrived is { } handover)
        {
            ArriveFromHandshake(handover);
            return;
        }

        Execute(_session.Start());
        if (_initiator is not null)
        {
            Execute(_session.Initiate());
        }
    }

    protected override void PostStop()
    {
        try
        {
            _stopped = true;
            Timers.CancelAll();
            AnswerWaitingShows();
            if (_handedOver)
            {
                // The SA lives on in the actor it moved to: its leases, SPIs and CHILD SAs stay.
                return;
            }

            LogEnded();
            ReportFailure();
            EndAccounting();
            Execute(_session.OnStopped());
            // The session has now asked for the removal of all it installed (RemoveAll, or the removals before).
            _installedChild = false;
            _spis?.ReleaseAll();
            TellInitiatorEnded();
        }
        finally
        {
            ReportStopped();
        }
    }

    /// <summary>
    /// What <c>Terminated</c> told the kernel actor and the identity registry when they watched this actor: nobody
    /// watches an IKE SA now (issue 13: Akka keeps ≈ 400 bytes of death-watch state per watched actor; the interface
    /// actor hears of its stop through its SaSupervisorStrategy). In a finally, so nothing can keep it from them. The
    /// kernel actor is told only when the session did not get to ask for the removal of its CHILD SAs itself (an
    /// exception on the way out): they are removed once.
    /// </summary>
    private void ReportStopped()
    {
        if (_installedChild)
        {
            _kernel.Tell(new RemoveOwnedBy(0, Self), ActorRefs.Nobody);
        }

        if (_claimedIdentity)
        {
            _env.Identities?.Tell(IdentityHolderStopped.Instance, Self);
        }
    }

    /// <summary>One receive method switching on the phase instead of Become: with a hundred thousand IKE SAs,
    /// per-instance handler tables (ReceiveActor) cost memory and every Become rebuilt one.</summary>
    protected override void OnReceive(object message)
    {
        if (Timers.Accept(message, out var due))
        {
            if (due is null)
            {
                return;
            }

            message = due;
        }

        if (OnTrafficMessage(message) || _ending)
        {
            // Ending: the session is done; only the counter reads it waits for count now.
            return;
        }

        if (_handingOver)
        {
            HandingOver(message);
        }
        else if (_session.Waiting != IkeSaWait.None)
        {
            Waiting(message);
        }
        else
        {
            Active(message);
        }
    }

    private void Active(object message)
    {
        switch (message)
        {
            case IkeDatagram d:
                Execute(_session.OnDatagram(d.Message, d.Header.ResponderSpi, d.Remote, d.Local), d.Socket);
                break;
            case Tick tick:
                Execute(_session.OnTimer(tick.Timer, tick.Token));
                break;
            case SaExpiredEvent expired:
                Execute(_session.OnChildExpired(expired.Reqid, expired.Sa.Spi, expired.Hard));
                break;
            case DeleteIkeSa delete:
                OnDelete(delete);
                break;
            case GetIkeSaStatus:
                Sender.Tell(Status());
                break;
            case ShowSa:
                AnswerShow();
                break;
            case RekeySa rekey:
                OnRekey(rekey);
                break;
            case RedirectClient redirect:
                Execute(_session.OnRedirect(redirect.Target, out _));
                break;
            case KernelFailed failed:
                Execute(_session.OnKernelFailed(failed.CorrelationId, failed.ToString()));
                break;
            case KernelDone or IdentityGranted:
                // Late answers of a wait already over.
                break;
            case EapRelayReply reply:
                Execute(_session.OnEapReply(reply.Step));
                break;
            case Revocation.RevocationFetched:
                Execute(_session.OnRevocationFetched());
                break;
            case InterimDue:
                SendInterim();
                break;
            case SessionTimedOut:
                EndSessionTimedOut();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>While the session holds its answer (for the identity registry, for the kernel), only the answer it
    /// waits for and its timeout go in; later messages are stashed (datagrams only a few).</summary>
    private void Waiting(object message)
    {
        switch (message)
        {
            case IdentityGranted when _session.Waiting == IkeSaWait.Identity:
                Execute(_session.OnIdentityGranted());
                break;
            case KernelDone done when _session.Waiting == IkeSaWait.Kernel:
                Execute(_session.OnKernelDone(done.CorrelationId));
                break;
            case KernelFailed failed when _session.Waiting == IkeSaWait.Kernel:
                Execute(_session.OnKernelFailed(failed.CorrelationId, failed.ToString()));
                break;
            case Tick { Timer: IkeSaTimer.Identity or IkeSaTimer.Kernel } tick:
                Execute(_session.OnTimer(tick.Timer, tick.Token));
                break;
            case GetIkeSaStatus:
                Sender.Tell(Status());
                break;
            default:
                if (_session.KeepWhileWaiting(message is IkeDatagram))
                {
                    Stash.Stash();
                }

                break;
        }
    }

    private void OnDelete(DeleteIkeSa delete)
    {
        // The CHILD SAs leave the kernel (first in the session's answer) before the sender hears back.
        _deletedByNode = true;
        Execute(_session.OnDelete(delete.Reason, delete.Silently));
        if (!Sender.IsNobody())
        {
            Sender.Tell(IkeSaReleased.Instance);
        }
    }

    private IkeSaStatus Status() => new(
        Sa.State,
        Sa.InitiatorSpi,
        Sa.ResponderSpi,
        Sa.RemoteIdentity?.ToString(),
        Sa.VirtualIps.ToList(),
        _session.InstalledChildSas,
        new Dictionary<DropReason, int>(_session.Drops),
        _session.Retransmissions,
        _session.InternalErrors,
        _session.DroppedWhileWaiting);
}
