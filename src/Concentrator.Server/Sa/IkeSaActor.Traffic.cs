using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;

namespace Concentrator.Server.Sa;

// What the dataplane counted through the SA (KernelActor.ReadOwnedCounters, the read RADIUS accounting uses): per
// CHILD SA for show-sa, summed over the SA's life for the deleted line (4004). A CHILD SA that leaves (rekeyed,
// deleted) is read just before its removal and counts in the total. And the operator's rekey.
public sealed partial class IkeSaActor
{
    private static readonly TimeSpan CounterReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The counters of CHILD SAs gone before, summed once their reads had answered.</summary>
    private SaTraffic _retired = SaTraffic.Zero;

    /// <summary>Reads of CHILD SAs on their way out, not yet folded into <see cref="_retired"/> (asks: their answers
    /// count even when this actor stops before they arrive).</summary>
    private readonly List<Task<OwnedCounters>> _retiring = [];

    /// <summary>Before a CHILD SA of the established SA leaves the kernel: its counters (the kernel actor starts the
    /// read while handling this, ahead of the removal sent next).</summary>
    private void ReadBeforeRemoval(ChildSa child)
    {
        if (_establishedAt is null)
        {
            return;
        }

        foreach (var done in _retiring.Where(t => t.IsCompleted).ToList())
        {
            _retiring.Remove(done);
            if (done.IsCompletedSuccessfully)
            {
                _retired = _retired.Plus(TrafficOf(done.Result));
            }
        }

        _retiring.Add(_kernel.Ask<OwnedCounters>(ReadOf(child), CounterReadTimeout));
    }

    private ReadOwnedCounters ReadOf(ChildSa child) =>
        new(0, Self, [child.InboundSpi]) { Only = [child.InboundSpi, child.OutboundSpi] };

    private static SaTraffic TrafficOf(OwnedCounters c) => new(c.InboundOctets, c.InboundPackets, c.OutboundOctets, c.OutboundPackets);

    /// <summary>The CHILD SAs' counters now, one read each (asked of the kernel actor, which owns the record of what
    /// this actor installed), and the SA's total: those plus every CHILD SA gone before.</summary>
    private Task<(SaTraffic Total, IReadOnlyList<SaTraffic> PerChild)> ReadTrafficAsync(IReadOnlyList<ChildSa> children)
    {
        var retired = _retired;
        var retiring = _retiring.ToList();
        var reads = children.Select(c => _kernel.Ask<OwnedCounters>(ReadOf(c), CounterReadTimeout)).ToList();
        return Task.WhenAll(reads.Concat(retiring)).ContinueWith(_ =>
        {
            IReadOnlyList<SaTraffic> perChild = [.. reads.Select(r => r.IsCompletedSuccessfully ? TrafficOf(r.Result) : SaTraffic.Zero)];
            var total = retiring.Where(r => r.IsCompletedSuccessfully).Select(r => TrafficOf(r.Result)).Concat(perChild).Aggregate(retired, (sum, c) => sum.Plus(c));
            return (total, perChild);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void AnswerShow()
    {
        var detail = Detail();
        ReadTrafficAsync([.. Sa.ChildSas]).ContinueWith(t =>
        {
            var (total, perChild) = t.Result;
            return (object)(detail with
            {
                Traffic = total,
                Summary = detail.Summary with { Traffic = total },
                ChildSas = [.. detail.ChildSas.Select((c, i) => c with { Traffic = i < perChild.Count ? perChild[i] : null })],
            });
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).PipeTo(Sender);
    }

    private void OnRekey(RekeySa rekey)
    {
        if (rekey.Ike)
        {
            Execute(_session.RekeyIkeSaNow(out bool ike));
            Sender.Tell(new SaRekeyed(rekey.Id, 0, ike
                ? "IKE SA rekey started; its CHILD SAs move to the new IKE SA and the old one is deleted"
                : "IKE SA not rekeyed (not established, or a rekey of it is already under way)") { IkeSa = ike });
            return;
        }

        Execute(_session.RekeyChildSasNow(out var started));
        Sender.Tell(new SaRekeyed(rekey.Id, started, started == 0
            ? "no CHILD SA to rekey (none installed, each already being rekeyed or deleted, or the IKE SA being rekeyed)"
            : "CHILD SAs only; --ike rekeys the IKE SA"));
    }
}
