using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

/// <summary>
/// CHILD SAs into and out of the kernel. The IkeSa's install hook is synchronous and only records the CHILD SA;
/// the response that completes it is held back (and every other message stashed) until the kernel actor
/// acknowledges the install, so the CHILD SA's states and policies exist before the peer learns of it (a peer that
/// sends ESP at once must not find them missing). If the install fails or times out, the exchange still completes
/// (the answer is sent: RFC 7296 §1.4 allows INFORMATIONAL only after the initial exchanges) and what it announced is
/// taken back at once with a Delete: the whole IKE SA after IKE_AUTH, the new CHILD SA after a rekey. The peer
/// learns in one round trip instead of by its own IKE_AUTH timeout. What is installed is recorded once, by the kernel
/// actor (per owner and reqid); this actor keeps only which CHILD SA has which reqid, and names the CHILD SA to remove.
/// </summary>
public sealed partial class IkeSaActor
{
    private const string KernelKey = "kernel";

    /// <summary>Datagrams kept while an install is in flight; a peer retransmits, so more than a few only cost memory.</summary>
    private const int MaxStashedDatagrams = 16;
    private readonly List<ChildSa> _added;
    private readonly List<ChildSa> _removed;
    // Each CHILD SA sent to the kernel → its reqid (a rekey's new one shares the reqid of the one it replaces).
    private readonly Dictionary<ChildSa, uint> _reqids = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, ChildSa> _waitingForKernel = [];
    private IReadOnlyList<byte[]>? _held;
    private long _nextCorrelation;
    private int _stashedDatagrams;
    private int _droppedWhileInstalling;

    private sealed record KernelTimeout
    {
        public static KernelTimeout Instance { get; } = new();
    }

    private long NextCorrelation() => ++_nextCorrelation;

    private void HoldForKernel(IReadOnlyList<byte[]> outbound)
    {
        _held = outbound;
        foreach (ChildSa child in _added)
        {
            InstallChild install;
            try
            {
                install = Rekeying(child, out var replaced, out uint oldReqid)
                    // RFC 7296 §1.3.3 rekey: the new states join the old ones' reqid and take over their policies
                    // (XFRM_MSG_UPDPOLICY), so traffic moves to the newer state without a gap; the old SA's later
                    // removal then takes only its states (the kernel actor leaves a reqid's policies while it has states).
                    ? ChildSaKernelRequests.Install(child, NextCorrelation(), oldReqid, _settings.IfId, _settings.ChildLifetime) with { ReplacePolicies = true }
                    : ChildSaKernelRequests.Install(child, NextCorrelation(), _settings.ReqidAllocator(), _settings.IfId, _settings.ChildLifetime);
                if (replaced is not null)
                {
                    _log.Info("{0}: CHILD SA rekeyed: {1:x8}_i {2:x8}_o replaces {3:x8}_i (reqid {4})", _sa, child.InboundSpi,
                        child.OutboundSpi, replaced.InboundSpi, oldReqid);
                }
            }
            catch (NotSupportedException e)
            {
                InstallFailed($"{child}: {e.Message}");
                return;
            }

            _reqids[child] = install.Reqid;
            _waitingForKernel[install.CorrelationId] = child;
            _kernel.Tell(install);
        }

        Timers.StartSingleTimer(KernelKey, KernelTimeout.Instance, _settings.KernelTimeout);
        _phase = Phase.AwaitingKernel;
    }

    private void AwaitingKernel(object message)
    {
        switch (message)
        {
            case KernelDone done:
                OnInstalled(done);
                break;
            case KernelFailed failed:
                OnInstallFailed(failed);
                break;
            case KernelTimeout:
                InstallFailed($"the kernel did not answer within {_settings.KernelTimeout}");
                break;
            case GetIkeSaStatus:
                Sender.Tell(Status());
                break;
            default:
                StashTheRest(message);
                break;
        }
    }

    /// <summary>While waiting (for the kernel, for the identity), later messages wait too; datagrams only a few.</summary>
    private void StashTheRest(object message)
    {
        if (message is not IkeDatagram)
        {
            Stash.Stash();
        }
        else if (_stashedDatagrams++ < MaxStashedDatagrams)
        {
            Stash.Stash();
        }
        else
        {
            _droppedWhileInstalling++;
        }
    }

    private void OnInstalled(KernelDone done)
    {
        if (!_waitingForKernel.Remove(done.CorrelationId) || _waitingForKernel.Count > 0)
        {
            return;
        }

        Timers.Cancel(KernelKey);
        var held = _held!;
        _held = null;
        _phase = Phase.Active;
        // Only now, with states and policies in place, does the response that reports the CHILD SA leave.
        Send(held);
        AfterStep();
        DeleteReplacedByUs(_added);
        _stashedDatagrams = 0;
        Stash.UnstashAll();
    }

    private void OnInstallFailed(KernelFailed failed)
    {
        if (!_waitingForKernel.Remove(failed.CorrelationId, out var child))
        {
            _log.Warning("{0}: removing a CHILD SA failed: {1}", _sa, failed);
            return;
        }

        // The kernel actor rolled this install back and forgot it: nothing of it is left to remove, and a rekey's
        // old SA keeps its policies.
        _reqids.Remove(child);

        InstallFailed(failed.ToString());
    }

    private void InstallFailed(string reason)
    {
        var held = _held;
        _held = null;
        Timers.Cancel(KernelKey);
        _waitingForKernel.Clear();
        _phase = Phase.Active;
        if (held is null || _sa.State != IkeSaState.Established)
        {
            _log.Error("{0}: CHILD SA not installed ({1}); the IKE SA ends", _sa, reason);
            // PostStop removes what was installed (or is still being installed: the kernel actor runs commands of
            // one selector in order), releases the virtual IPs and unregisters the SPI.
            Context.Stop(Self);
            return;
        }

        Send(held);
        if (!_established)
        {
            _log.Error("{0}: CHILD SA not installed ({1}); deleting the IKE SA right after its IKE_AUTH answer", _sa, reason);
            Send(_sa.InitiateDelete().Outbound);
        }
        else
        {
            _log.Error("{0}: CHILD SA not installed ({1}); deleting it right after the answer", _sa, reason);
            foreach (ChildSa child in _added)
            {
                Send(_sa.InitiateChildDelete(child).Outbound);
            }
        }

        ArmRetransmit();
        _stashedDatagrams = 0;
        Stash.UnstashAll();
    }

    private bool Rekeying(ChildSa child, out ChildSa? replaced, out uint reqid)
    {
        foreach (var (installedChild, installedReqid) in _reqids)
        {
            if (child.ReplacesInboundSpi == installedChild.InboundSpi)
            {
                (replaced, reqid) = (installedChild, installedReqid);
                return true;
            }
        }

        (replaced, reqid) = (null, 0);
        return false;
    }

    private void RemoveAllChildren()
    {
        if (_reqids.Count > 0)
        {
            // Sent on the way out: nobody is left to hear the answer, and the kernel actor logs a failure itself.
            _kernel.Tell(new RemoveOwnedBy(NextCorrelation(), Self), ActorRefs.Nobody);
        }

        _reqids.Clear();
    }

    private void SendRemovals()
    {
        foreach (ChildSa child in _removed)
        {
            _deletingByUs.Remove(child.InboundSpi);
            _rekeyingByUs.Remove(child.InboundSpi);
            _env.ChildSpis?.Release(child.InboundSpi);
            if (_reqids.Remove(child, out uint reqid))
            {
                _log.Info("{0}: CHILD SA {1:x8}_i {2:x8}_o removed", _sa, child.InboundSpi, child.OutboundSpi);
                _kernel.Tell(ChildSaKernelRequests.Remove(child, reqid, NextCorrelation()));
            }
        }

        _removed.Clear();
    }
}
