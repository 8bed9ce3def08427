namespace Concentrator.Ike.Sa;

// The answer held back (one slot, one reason): until the identity registry grants the peer's identity (an older SA
// of it has left the kernel), and until the kernel has installed the step's new CHILD SAs, so their states and
// policies exist before the peer learns of them (a peer that sends ESP at once must not find them missing). If the
// install fails or times out, the exchange still completes (the answer is sent: RFC 7296 §1.4 allows INFORMATIONAL
// only after the initial exchanges) and what it announced is taken back at once with a Delete: the whole IKE SA
// after IKE_AUTH, the new CHILD SA after a rekey. While the answer is held the host puts other messages aside.
public sealed partial class IkeSaSession
{
    /// <summary>Datagrams kept while waiting; a peer retransmits, so more than a few only cost memory.</summary>
    private const int MaxKeptDatagrams = 16;
    private readonly List<ChildSa> _added = [];
    private readonly List<ChildSa> _removed = [];
    // Each CHILD SA sent to the kernel → its reqid (a rekey's new one shares the reqid of the one it replaces).
    private readonly ChildReqids _reqids = new();
    // Made when an answer is held for the kernel, dropped when that wait ends: nothing while the SA is idle.
    private Dictionary<long, ChildSa>? _waitingForKernel;
    private IReadOnlyList<byte[]>? _held;
    private long _nextCorrelation;
    private int _keptDatagrams;

    /// <summary>What the held answer waits for; <see cref="IkeSaWait.None"/> when nothing is held.</summary>
    public IkeSaWait Waiting { get; private set; }

    /// <summary>CHILD SAs sent to the kernel and not removed.</summary>
    public int InstalledChildSas => _reqids.Count;

    /// <summary>Datagrams dropped because more than a few arrived while waiting.</summary>
    public int DroppedWhileWaiting { get; private set; }

    /// <summary>While waiting, whether the host keeps a message for later (every message but a few datagrams).</summary>
    public bool KeepWhileWaiting(bool isDatagram)
    {
        if (!isDatagram || _keptDatagrams++ < MaxKeptDatagrams)
        {
            return true;
        }

        DroppedWhileWaiting++;
        return false;
    }

    /// <summary>The identity registry granted the claim.</summary>
    public IReadOnlyList<IkeSaEffect> OnIdentityGranted()
    {
        var fx = new List<IkeSaEffect>();
        if (Waiting == IkeSaWait.Identity)
        {
            IdentitySettled(fx);
        }

        return fx;
    }

    /// <summary>The kernel installed (or removed) what <paramref name="correlationId"/> named.</summary>
    public IReadOnlyList<IkeSaEffect> OnKernelDone(long correlationId)
    {
        var fx = new List<IkeSaEffect>();
        if (Waiting != IkeSaWait.Kernel || _waitingForKernel is null || !_waitingForKernel.Remove(correlationId, out var installed))
        {
            return fx;
        }

        installed.ReleaseKeys();
        if (_waitingForKernel.Count > 0)
        {
            return fx;
        }

        _waitingForKernel = null;
        var held = Release(fx, IkeSaTimer.Kernel);
        // Only now, with states and policies in place, does the response that reports the CHILD SA leave.
        Send(fx, held);
        AfterStep(fx);
        DeleteReplacedByUs(fx, _added);
        DeleteRedundantByUs(fx, _added);
        // The step is over: its CHILD SAs are the IKE SA's now; an idle SA keeps no array of them here.
        _added.Clear();
        _added.TrimExcess();
        Unstash(fx);
        return fx;
    }

    /// <summary>The kernel refused what <paramref name="correlationId"/> named, for <paramref name="reason"/>.</summary>
    public IReadOnlyList<IkeSaEffect> OnKernelFailed(long correlationId, string reason)
    {
        var fx = new List<IkeSaEffect>();
        if (Waiting != IkeSaWait.Kernel || _waitingForKernel is null || !_waitingForKernel.Remove(correlationId, out var child))
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Warning, $"{_sa}: removing a CHILD SA failed: {reason}"));
            return fx;
        }

        // The kernel rolled this install back and forgot it: nothing of it is left to remove, and a rekey's old SA
        // keeps its policies.
        _reqids.Remove(child);
        InstallFailed(fx, reason);
        return fx;
    }

    /// <summary>The host could not even ask the kernel to install <paramref name="child"/> (an algorithm the
    /// kernel has no name for); it did not carry out the effects after its <see cref="IkeSaEffect.Install"/>.</summary>
    public IReadOnlyList<IkeSaEffect> OnInstallRejected(ChildSa child, string reason)
    {
        var fx = new List<IkeSaEffect>();
        // This CHILD SA and those after it never reached the kernel.
        int index = _added.IndexOf(child);
        for (int i = Math.Max(index, 0); i < _added.Count; i++)
        {
            _reqids.Remove(_added[i]);
        }

        InstallFailed(fx, $"{child}: {reason}");
        return fx;
    }

    private void Hold(List<IkeSaEffect> fx, IkeSaWait reason, IkeSaTimer timer, IReadOnlyList<byte[]> outbound)
    {
        _held = outbound;
        Waiting = reason;
        // Bounded: a registry or kernel that never answers must not hold the client forever.
        fx.Add(new IkeSaEffect.Arm(timer, _settings.WaitTimeout));
    }

    private IReadOnlyList<byte[]> Release(List<IkeSaEffect> fx, IkeSaTimer timer)
    {
        fx.Add(new IkeSaEffect.Cancel(timer));
        var held = _held!;
        _held = null;
        Waiting = IkeSaWait.None;
        return held;
    }

    private void Unstash(List<IkeSaEffect> fx)
    {
        _keptDatagrams = 0;
        fx.Add(IkeSaEffect.Unstash.Instance);
    }

    private void IdentitySettled(List<IkeSaEffect> fx)
    {
        var outbound = Release(fx, IkeSaTimer.Identity);
        Continue(fx, outbound);
        Unstash(fx);
    }

    private void HoldForKernel(List<IkeSaEffect> fx, IReadOnlyList<byte[]> outbound)
    {
        foreach (ChildSa child in _added)
        {
            long correlation = ++_nextCorrelation;
            // RFC 7296 §1.3.3 rekey: the new states join the old ones' reqid and take over their policies
            // (XFRM_MSG_UPDPOLICY), so traffic moves to the newer state without a gap; the old SA's later removal
            // then takes only its states (the kernel leaves a reqid's policies while it has states).
            bool rekey = Replaced(child, out var replaced, out uint oldReqid);
            uint reqid = rekey ? oldReqid : _settings.ReqidAllocator();
            _reqids[child] = reqid;
            (_waitingForKernel ??= [])[correlation] = child;
            fx.Add(new IkeSaEffect.Install(correlation, child, reqid, rekey));
            if (replaced is not null)
            {
                // After the Install: a host that rejects it skips what follows.
                fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: CHILD SA rekeyed: {child.InboundSpi:x8}_i {child.OutboundSpi:x8}_o"
                    + $" replaces {replaced.InboundSpi:x8}_i (reqid {oldReqid}){(child.PfsGroup is { } group ? $", PFS {group}" : "")}"));
            }
            else if (_established && child.ReplacesInboundSpi is null)
            {
                fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: additional CHILD SA {child} (reqid {reqid})"));
            }
        }

        Hold(fx, IkeSaWait.Kernel, IkeSaTimer.Kernel, outbound);
    }

    private void InstallFailed(List<IkeSaEffect> fx, string reason)
    {
        var held = _held;
        _held = null;
        Waiting = IkeSaWait.None;
        fx.Add(new IkeSaEffect.Cancel(IkeSaTimer.Kernel));
        _waitingForKernel = null;
        if (held is null || _sa.State != IkeSaState.Established)
        {
            // The host's stop removes what was installed (or is still being installed: the kernel runs commands of
            // one selector in order), releases the virtual IPs and unregisters the SPI.
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Error, $"{_sa}: CHILD SA not installed ({reason}); the IKE SA ends"));
            fx.Add(IkeSaEffect.Stop.Instance);
            return;
        }

        Send(fx, held);
        if (!_established)
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Error,
                $"{_sa}: CHILD SA not installed ({reason}); deleting the IKE SA right after its IKE_AUTH answer"));
            Send(fx, _sa.InitiateDelete().Outbound);
        }
        else
        {
            fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Error, $"{_sa}: CHILD SA not installed ({reason}); deleting it right after the answer"));
            foreach (ChildSa child in _added)
            {
                Send(fx, _sa.InitiateChildDelete(child).Outbound);
            }
        }

        ArmRetransmit(fx);
        Unstash(fx);
    }

    private bool Replaced(ChildSa child, out ChildSa? replaced, out uint reqid)
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

    private void RemoveAllChildren(List<IkeSaEffect> fx)
    {
        if (_reqids.Count > 0)
        {
            fx.Add(new IkeSaEffect.RemoveAll(++_nextCorrelation));
        }

        _reqids.Clear();
    }

    /// <summary>The CHILD SAs the last step deleted leave the kernel and give their SPIs back.</summary>
    private void Removals(List<IkeSaEffect> fx)
    {
        foreach (ChildSa child in _removed)
        {
            _deletingByUs?.Remove(child.InboundSpi);
            _rekeyingByUs?.Remove(child.InboundSpi);
            fx.Add(new IkeSaEffect.ReleaseChildSpi(child.InboundSpi));
            if (_reqids.Remove(child, out uint reqid))
            {
                fx.Add(new IkeSaEffect.Log(IkeSaLogLevel.Info, $"{_sa}: CHILD SA {child.InboundSpi:x8}_i {child.OutboundSpi:x8}_o removed"));
                fx.Add(new IkeSaEffect.Remove(++_nextCorrelation, child, reqid));
            }
        }

        _removed.Clear();
        _removed.TrimExcess();
    }
}

