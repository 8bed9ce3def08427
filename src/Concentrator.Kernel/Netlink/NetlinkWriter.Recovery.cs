namespace Concentrator.Kernel.Netlink;

public sealed partial class NetlinkWriter
{
    /// <summary>
    /// Completes the request of an answered item, or plans the next step for one whose answer was lost:
    /// probe the object, resend (idempotent form), or re-run the dump. Steps go into <paramref name="next"/>,
    /// which is sent before anything queued after this batch.
    /// </summary>
    private void Settle(Pending p, List<Pending> next)
    {
        if (!p.Sent)
        {
            return; // cancelled or failed to encode: already settled
        }

        if (!p.Answered || p.Damaged)
        {
            Lost(p, next);
            return;
        }

        var request = p.Request;
        bool recovered = p.Attempt > 0;
        switch (p.Kind)
        {
            case PendingKind.Probe:
                var probe = (NetlinkRecovery.Probe)request.Recovery!;
                bool applied;
                try
                {
                    applied = probe.Applied(p.Result, p.Messages);
                }
                catch (Exception e)
                {
                    Complete(request, e, recovered: true);
                    return;
                }

                if (applied)
                {
                    Complete(request, NetlinkReply.Empty, recovered: true);
                }
                else
                {
                    // The lost attempt did not take effect: sending it again is not a duplicate, and its answer is the truth.
                    next.Add(new Pending(request, PendingKind.Original, request.Encoder, request.IsDump, p.Attempt + 1));
                }

                return;

            case PendingKind.Resend when !p.Result.IsSuccess
                && request.Recovery is NetlinkRecovery.Resend { AlreadyDone: { } done } && done.Contains(p.Result.Errno):
                Complete(request, NetlinkReply.Empty, recovered: true);
                return;

            default:
                if (p.Result.IsSuccess)
                {
                    Complete(request, new NetlinkReply(p.Messages, recovered), recovered);
                }
                else
                {
                    Complete(request, new KernelException(p.Result.Errno, p.Result.ExtAck, request.Operation), recovered);
                }

                return;
        }
    }

    private void Lost(Pending p, List<Pending> next)
    {
        var request = p.Request;
        if (p.Attempt + 1 >= _options.MaxRecoveryAttempts)
        {
            Complete(request, AckLost(request, $"no answer after {p.Attempt + 1} attempts"), recovered: true);
            return;
        }

        var recovery = request.Recovery ?? (request.IsDump ? new NetlinkRecovery.Resend() : null);
        switch (recovery)
        {
            case null:
                Complete(request, AckLost(request, "the request has no recovery"), recovered: true);
                break;

            case NetlinkRecovery.Probe probe:
                // Also when the probe itself was lost: probing again is harmless.
                next.Add(new Pending(request, PendingKind.Probe, probe.Query, false, p.Attempt + 1));
                break;

            case NetlinkRecovery.Resend resend:
                next.Add(new Pending(request, PendingKind.Resend, resend.Encoder ?? request.Encoder, request.IsDump, p.Attempt + 1));
                break;
        }
    }

    private static KernelException AckLost(NetlinkRequest request, string why) =>
        new(Errnos.ENOBUFS, $"ack lost (receive buffer overflow or truncation); outcome unknown: {why}", request.Operation);

    private void Complete(NetlinkRequest request, NetlinkReply reply, bool recovered)
    {
        if (recovered)
        {
            Interlocked.Increment(ref Statistics.RecoveredField);
        }

        Resolve(new Outcome(request, reply.Recovered == recovered ? reply : new NetlinkReply(reply.Messages, recovered), null));
    }

    private void Complete(NetlinkRequest request, Exception error, bool recovered)
    {
        if (recovered)
        {
            Interlocked.Increment(ref Statistics.RecoveredField);
        }

        Resolve(new Outcome(request, null, error));
    }

    private void Resolve(Outcome outcome)
    {
        outcome.Request.Settled = true;
        _outcomes.Add(outcome);
    }

    /// <summary>
    /// Hands the outcomes settled so far to ONE thread-pool work item that completes their tasks: one wake-up
    /// per batch instead of one per request, and no caller continuation ever runs on the writer thread.
    /// </summary>
    private void Publish()
    {
        if (_outcomes.Count == 0)
        {
            return;
        }

        var list = _outcomes;
        _outcomes = new List<Outcome>(Math.Min(list.Count, _options.MaxBatchMessages));
        ThreadPool.UnsafeQueueUserWorkItem(static l => l.ForEach(o => o.Apply()), list, preferLocal: false);
    }

    /// <summary>A settled request: success (reply), failure (error), or cancelled before sending (both null).</summary>
    private readonly record struct Outcome(NetlinkRequest Request, NetlinkReply? Reply, Exception? Error)
    {
        public void Apply()
        {
            if (Reply is not null)
            {
                Request.Succeed(Reply);
            }
            else if (Error is not null)
            {
                Request.Fail(Error);
            }
            else
            {
                Request.Cancel();
            }
        }
    }
}
