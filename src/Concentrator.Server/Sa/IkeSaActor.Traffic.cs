using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Management;

namespace Concentrator.Server.Sa;

// What the dataplane counted through the SA (KernelActor.ReadOwnedCounters, the read RADIUS accounting uses): per
// CHILD SA for show-sa, summed over the SA's life for the deleted line (4004). A CHILD SA that leaves (rekeyed,
// deleted) is read just before its removal and counts in the total: the read is a plain Tell answered to this actor
// (issue 13: an Ask cost a temporary actor per read, and its continuation wrote the deleted line on a pool worker),
// and a stop the session asks for waits for the reads still out (Ending), so the line is written here, in PostStop.
// And the operator's rekey.
public sealed partial class IkeSaActor
{
    private static readonly TimeSpan CounterReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The counters of CHILD SAs gone before, summed as their reads answered.</summary>
    private SaTraffic _retired = SaTraffic.Zero;

    /// <summary>Reads of CHILD SAs on their way out not yet answered (<see cref="OwnedCounters"/> to this actor).</summary>
    private int _retiringReads;

    /// <summary>The session asked to stop; the actor waits for <see cref="_retiringReads"/> to answer first (at most
    /// <see cref="CounterReadTimeout"/>), so that the deleted line carries them.</summary>
    private bool _ending;

    /// <summary>PostStop has begun: a reply could no longer arrive.</summary>
    private bool _stopped;

    /// <summary>show-sa answers whose per-CHILD SA reads are in, held until the retiring reads are too.</summary>
    private List<ShowRead>? _showsWaiting;

    /// <summary>The per-CHILD SA reads of a show-sa, back on this actor's thread.</summary>
    private sealed record ShowRead(IActorRef ReplyTo, SaDetail Detail, IReadOnlyList<SaTraffic> PerChild);

    /// <summary>The wait for the reads before the stop ran out.</summary>
    private sealed record EndingTimedOut
    {
        public static readonly EndingTimedOut Instance = new();
    }

    /// <summary>Before a CHILD SA of the established SA leaves the kernel: its counters (the kernel actor reads them
    /// while handling this, ahead of the removal sent next).</summary>
    private void ReadBeforeRemoval(ChildSa child)
    {
        if (_establishedAt is null || _stopped)
        {
            return;
        }

        _kernel.Tell(ReadOf(child), Self);
        _retiringReads++;
    }

    /// <summary>The session's stop: an established SA whose deleted line is due first reads the CHILD SAs still
    /// installed and waits for every read still out; the others stop at once. Other stops (the parent's, a failure)
    /// cannot wait: their line carries the reads answered by then.</summary>
    private void StopWhenRead()
    {
        if (_ending)
        {
            return;
        }

        if (_establishedAt is null || !_log.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
        {
            Context.Stop(Self);
            return;
        }

        foreach (ChildSa child in Sa.ChildSas)
        {
            ReadBeforeRemoval(child);
        }

        if (_retiringReads == 0)
        {
            Context.Stop(Self);
            return;
        }

        _ending = true;
        Timers.CancelAll();
        Timers.StartSingleTimer(EndingTimedOut.Instance, EndingTimedOut.Instance, CounterReadTimeout);
    }

    /// <summary>Messages about the traffic, whatever the phase: true when <paramref name="message"/> was one.</summary>
    private bool OnTrafficMessage(object message)
    {
        switch (message)
        {
            case OwnedCounters counters:
                _retired = _retired.Plus(TrafficOf(counters));
                if (--_retiringReads <= 0)
                {
                    _retiringReads = 0;
                    AnswerWaitingShows();
                    if (_ending)
                    {
                        Context.Stop(Self);
                    }
                }

                return true;
            case ShowRead show when _retiringReads == 0:
                Answer(show);
                return true;
            case ShowRead show:
                (_showsWaiting ??= []).Add(show);
                return true;
            case EndingTimedOut:
                Context.Stop(Self);
                return true;
            default:
                return false;
        }
    }

    private ReadOwnedCounters ReadOf(ChildSa child) =>
        new(0, Self, [child.InboundSpi]) { Only = [child.InboundSpi, child.OutboundSpi] };

    private static SaTraffic TrafficOf(OwnedCounters c) => new(c.InboundOctets, c.InboundPackets, c.OutboundOctets, c.OutboundPackets);

    /// <summary>show-sa: the CHILD SAs' counters now, one read each (asked of the kernel actor, which owns the record
    /// of what this actor installed; management, not the setup path), back here as a <see cref="ShowRead"/>; the
    /// total adds every CHILD SA gone before.</summary>
    private void AnswerShow()
    {
        var detail = Detail();
        var replyTo = Sender;
        var reads = new Task<OwnedCounters>[Sa.ChildSas.Count];
        for (int i = 0; i < reads.Length; i++)
        {
            reads[i] = _kernel.Ask<OwnedCounters>(ReadOf(Sa.ChildSas[i]), CounterReadTimeout);
        }

        Task.WhenAll(reads).ContinueWith(_ =>
        {
            var perChild = new SaTraffic[reads.Length];
            for (int i = 0; i < reads.Length; i++)
            {
                perChild[i] = reads[i].IsCompletedSuccessfully ? TrafficOf(reads[i].Result) : SaTraffic.Zero;
            }

            return new ShowRead(replyTo, detail, perChild);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).PipeTo(Self);
    }

    private void AnswerWaitingShows()
    {
        if (_showsWaiting is not { } waiting)
        {
            return;
        }

        _showsWaiting = null;
        foreach (var show in waiting)
        {
            Answer(show);
        }
    }

    private void Answer(ShowRead show)
    {
        var total = _retired;
        foreach (var child in show.PerChild)
        {
            total = total.Plus(child);
        }

        var detail = show.Detail;
        show.ReplyTo.Tell(detail with
        {
            Traffic = total,
            Summary = detail.Summary with { Traffic = total },
            ChildSas = [.. detail.ChildSas.Select((c, i) => c with { Traffic = i < show.PerChild.Count ? show.PerChild[i] : null })],
        });
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
