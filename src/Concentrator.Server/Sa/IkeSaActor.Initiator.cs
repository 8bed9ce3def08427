using System.Net;
using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Sa;

// An IKE SA the gateway initiates (a connection's start-action, close-action, dpd-action). Its connection is known
// from the start, so it is spawned straight under the connection's InterfaceActor, with no handover; its SPI is in the
// node's SPI table from the constructor on, so the responder's answers reach it from the socket. The protocol is the
// IkeSa's initiator tasks, the life the same IkeSaSession as a responder's; the actor only tells the
// ConnectionInitiatorActor that started it how the SA ended.
public sealed partial class IkeSaActor
{
    private readonly IActorRef? _initiator;

    // The reqid of the connection's trap policies (0: none): the first CHILD SA takes it over, updating those policies.
    private readonly uint _trapReqid;

    /// <summary>An initiating IKE SA actor: it sends IKE_SA_INIT from <paramref name="local"/> to
    /// <paramref name="remote"/> through <paramref name="socket"/> when it starts, and tells <paramref name="initiator"/>
    /// <see cref="InitiatedSaEnded"/> when it stops. <paramref name="trapReqid"/> (0: none) is the reqid of the trap
    /// policies whose ACQUIRE started it: its first CHILD SA gets that reqid and replaces those policies with its own
    /// (XFRM_MSG_UPDPOLICY), so the out policy stays in place, without a state, once the SA is gone.</summary>
    public IkeSaActor(IkeSaConfig config, IPEndPoint local, IPEndPoint remote, IkeSaEnvironment environment, IActorRef socket, IActorRef initiator,
        uint trapReqid)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _env = environment;
        _settings = environment.Settings;
        _kernel = environment.Kernel;
        _socket = socket;
        _initiator = initiator;
        _trapReqid = trapReqid;
        _spis = environment.Spis is { } table ? new IkeSpis(table, Self) : null;
        Timers = new ActorTimers(Self, Context.System.Scheduler);
        _session = IkeSaSession.Initiator(config, environment.Services, local, remote,
            SessionSettings(environment) with { HandsOver = false, ReqidAllocator = TrapFirst(trapReqid, environment.Settings.ReqidAllocator) }, _spis);
    }

    /// <summary>Props of an initiating IKE SA actor (see the constructor); spawned under its home, so it never hands over.
    /// Typed Props (no expression tree compiled per SA) on the compact mailbox, like a responder's: the spawning home
    /// registers the mailbox (<see cref="CompactMailbox.Register"/>).</summary>
    public static Props Initiating(IkeSaConfig config, IPEndPoint local, IPEndPoint remote, IkeSaEnvironment environment, IActorRef socket, IActorRef initiator,
        uint trapReqid = 0) =>
        new(CompactMailbox.Deploy, typeof(IkeSaActor), config, local, remote, environment, socket, initiator, trapReqid);

    private static Func<uint> TrapFirst(uint trapReqid, Func<uint> next)
    {
        if (trapReqid == 0)
        {
            return next;
        }

        bool taken = false;
        return () =>
        {
            if (taken)
            {
                return next();
            }

            taken = true;
            return trapReqid;
        };
    }

    /// <summary>Whether an install takes over existing policies: a rekey's, or the first CHILD SA of a trap.</summary>
    private bool ReplacesPolicies(IkeSaEffect.Install install) => install.ReplacesPolicies || (_trapReqid != 0 && install.Reqid == _trapReqid);

    private void TellInitiatorEnded()
    {
        if (_initiator is null)
        {
            return;
        }

        InitiatedSaEnd end = _establishedAt is null ? InitiatedSaEnd.Failed
            : _deletedByNode ? InitiatedSaEnd.Local
            : _session.DeletedByExchange ? InitiatedSaEnd.Closed
            : InitiatedSaEnd.Dead;
        _initiator.Tell(new InitiatedSaEnded(Self, end, Sa.FailureNotify?.ToString() ?? Sa.State.ToString()));
    }
}

/// <summary>How an initiated IKE SA ended: <see cref="Failed"/> before it was established (no answer, refused),
/// <see cref="Closed"/> by a Delete exchange (the peer's, or ours at the IKE lifetime), <see cref="Dead"/> because the
/// peer stopped answering (DPD, retransmissions), <see cref="Local"/> by the node (shutdown, reload, the operator).</summary>
public enum InitiatedSaEnd
{
    Failed,
    Closed,
    Dead,
    Local,
}

/// <summary>Told by an initiated IKE SA's actor to its <c>ConnectionInitiatorActor</c> as it stops.</summary>
public sealed record InitiatedSaEnded(IActorRef Sa, InitiatedSaEnd End, string Detail);
