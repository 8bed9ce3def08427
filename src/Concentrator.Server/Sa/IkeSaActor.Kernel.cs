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
/// sends ESP at once must not find them missing). If the install fails or times out, the held response is thrown
/// away and the IKE SA ends locally: the response would announce a CHILD SA that does not exist, and
/// RFC 7296 §1.4 forbids INFORMATIONAL exchanges before the initial exchanges completed, so no Delete can be sent
/// either. The peer's IKE_AUTH retransmissions then meet an unknown SPI and it gives up by its own timeout.
/// </summary>
public sealed partial class IkeSaActor
{
    private const string KernelKey = "kernel";

    /// <summary>Datagrams kept while an install is in flight; a peer retransmits, so more than a few only cost memory.</summary>
    private const int MaxStashedDatagrams = 16;
    private readonly List<ChildSa> _added = [];
    private readonly List<ChildSa> _removed = [];
    private readonly Dictionary<ChildSa, InstallChild> _installed = new(ReferenceEqualityComparer.Instance);
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
                install = Rekeying(child, out var replaced, out var old)
                    // RFC 7296 §1.3.3 rekey: the new states join the old ones' reqid and take over their policies
                    // (XFRM_MSG_UPDPOLICY), so traffic moves to the newer state without a gap; the old SA's later
                    // removal then takes only its states.
                    ? ChildSaKernelRequests.Install(child, NextCorrelation(), old.Reqid, _settings.IfId, _settings.ChildLifetime) with { ReplacePolicies = true }
                    : ChildSaKernelRequests.Install(child, NextCorrelation(), _settings.ReqidAllocator(), _settings.IfId, _settings.ChildLifetime);
                if (replaced is not null)
                {
                    _installed[replaced] = old with { Policies = [] };
                    _log.Info("{0}: CHILD SA rekeyed: {1:x8}_i {2:x8}_o replaces {3:x8}_i (reqid {4})", _sa, child.InboundSpi,
                        child.OutboundSpi, replaced.InboundSpi, old.Reqid);
                }
            }
            catch (NotSupportedException e)
            {
                InstallFailed($"{child}: {e.Message}");
                return;
            }

            _installed[child] = install;
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

        // The kernel actor rolled this install back: nothing of it is left to remove.
        _installed.Remove(child);
        InstallFailed(failed.ToString());
    }

    private void InstallFailed(string reason)
    {
        _log.Error("{0}: CHILD SA not installed ({1}); the IKE SA ends without answering", _sa, reason);
        _held = null;
        // PostStop removes what was installed (or is still being installed: the kernel actor runs commands of one
        // reqid in order), releases the virtual IPs and unregisters the SPI.
        Context.Stop(Self);
    }

    private bool Rekeying(ChildSa child, out ChildSa? replaced, out InstallChild old)
    {
        foreach (var (installedChild, install) in _installed)
        {
            if (child.ReplacesInboundSpi == installedChild.InboundSpi)
            {
                (replaced, old) = (installedChild, install);
                return true;
            }
        }

        (replaced, old) = (null, null!);
        return false;
    }

    private void RemoveAllChildren()
    {
        // Sent on the way out: nobody is left to hear the answer, and the kernel actor logs a failure itself.
        foreach (var installed in _installed.Values)
        {
            _kernel.Tell(ChildSaKernelRequests.Remove(installed, NextCorrelation()), ActorRefs.Nobody);
        }

        _installed.Clear();
    }

    private void SendRemovals()
    {
        foreach (ChildSa child in _removed)
        {
            _deletingByUs.Remove(child.InboundSpi);
            _rekeyingByUs.Remove(child.InboundSpi);
            _env.ChildSpis?.Release(child.InboundSpi);
            if (_installed.Remove(child, out var installed))
            {
                _log.Info("{0}: CHILD SA {1:x8}_i {2:x8}_o removed", _sa, child.InboundSpi, child.OutboundSpi);
                _kernel.Tell(ChildSaKernelRequests.Remove(installed, NextCorrelation()));
            }
        }

        _removed.Clear();
    }
}
