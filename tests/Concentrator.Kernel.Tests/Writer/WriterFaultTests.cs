using Concentrator.Kernel.Netlink;
using Concentrator.Kernel.Tests.Netns;

namespace Concentrator.Kernel.Tests.Writer;

/// <summary>
/// Faults the writer must survive without losing or duplicating a request: acks dropped by the kernel
/// (ENOBUFS), datagrams longer than the read buffer (MSG_TRUNC), cancellation before and after the send.
/// The kernel's own policy table is the judge.
/// </summary>
public sealed class WriterFaultTests : IDisposable
{
    private readonly TestNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    private NetlinkWriter Open(WriterOptions options, bool start = true) =>
        NetlinkWriter.Open(NetlinkSocket.NetlinkXfrm, options, _ns.Path, start);

    private static async Task<List<int>> Installed(NetlinkWriter writer) =>
        [.. (await writer.SubmitAsync(RawPolicy.Dump())).Messages.Select(RawPolicy.IndexOf).Order()];

    [Fact]
    public async Task Submit_TinyReceiveBuffer_AcksDroppedButEveryRequestResolvedExactlyOnce()
    {
        // 1 KiB of receive buffer holds a couple of acks; a batch of 1000 makes the kernel drop most of them.
        var options = new WriterOptions { MaxBatchMessages = 1000, SocketReceiveBufferBytes = 1024, AdaptBatchOnOverflow = false, MaxRecoveryAttempts = 1000 };
        await using var writer = Open(options, start: false);
        _ns.Ip("xfrm policy add src 10.0.1.244/32 dst 0.0.0.0/0 dir out priority 5 if_id 7"); // i = 500 exists already
        var adds = Enumerable.Range(0, 1000).Select(i => RawPolicy.Add(i)).ToList();
        foreach (var r in adds)
        {
            await writer.EnqueueAsync(r);
        }

        writer.Start();
        var outcomes = await Outcomes(adds);

        Assert.True(writer.Statistics.Overflows > 0, writer.Statistics.ToString());
        Assert.True(writer.Statistics.Recovered > 0, writer.Statistics.ToString());
        Assert.Equal(999, outcomes.Count(o => o == 0));
        Assert.Equal(Errnos.EEXIST, outcomes[500]); // the foreign one: its probe sees priority 5, not ours, so the truth is EEXIST
        Assert.Equal(Enumerable.Range(0, 1000), await Installed(writer));
        Assert.Equal(1000, _ns.PolicyCountByIp());

        var deletes = Enumerable.Range(0, 1000).Select(i => RawPolicy.Delete(i)).ToList();
        foreach (var r in deletes)
        {
            await writer.EnqueueAsync(r);
        }

        Assert.All(await Outcomes(deletes), o => Assert.Equal(0, o));
        Assert.Empty(await Installed(writer));
        Assert.Equal(0, _ns.PolicyCountByIp());
    }

    [Fact]
    public async Task Submit_Overflow_AdaptiveBatchShrinksAndAllSucceed()
    {
        var options = new WriterOptions { MaxBatchMessages = 512, SocketReceiveBufferBytes = 16 * 1024 };
        await using var writer = Open(options, start: false);
        var adds = Enumerable.Range(0, 3000).Select(i => RawPolicy.Add(i)).ToList();
        foreach (var r in adds)
        {
            await writer.EnqueueAsync(r);
        }

        writer.Start();
        Assert.All(await Outcomes(adds), o => Assert.Equal(0, o));
        Assert.True(writer.Statistics.Overflows > 0, writer.Statistics.ToString());
        Assert.True(writer.BatchLimit < 512, $"batch limit {writer.BatchLimit}");
        Assert.Equal(3000, (await Installed(writer)).Count);
    }

    [Fact]
    public async Task Submit_DumpLargerThanReadBuffer_TruncationDetectedAndDumpRerun()
    {
        var options = new WriterOptions { ReadBufferBytes = 256 };
        await using var writer = Open(options);
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => writer.SubmitAsync(RawPolicy.Add(i))));

        var all = await Installed(writer);
        Assert.Equal(Enumerable.Range(0, 300), all);
        Assert.True(writer.Statistics.Truncations > 0, writer.Statistics.ToString());
    }

    [Fact]
    public async Task Submit_RepliesLongerThanReadSlot_TruncationRecoveredByResend()
    {
        // 64-byte read slots: acks (36 bytes with NETLINK_CAP_ACK) fit, a GETPOLICY reply (~200) does not.
        await using var writer = Open(new WriterOptions { ReadBufferBytes = 64 });
        await writer.SubmitAsync(RawPolicy.Add(5, priority: 77));

        var reply = await writer.SubmitAsync(RawPolicy.Get(5));

        Assert.True(writer.Statistics.Truncations > 0, writer.Statistics.ToString());
        Assert.Equal(77u, RawPolicy.Priority(Assert.Single(reply.Messages)));
        Assert.True(reply.Recovered);
    }

    [Fact]
    public async Task Submit_CancelledBeforeSend_NeverSentOthersApplied()
    {
        await using var writer = Open(new WriterOptions(), start: false);
        var sources = Enumerable.Range(0, 100).Select(_ => new CancellationTokenSource()).ToList();
        var adds = Enumerable.Range(0, 100).Select(i => RawPolicy.Add(i, ct: sources[i].Token)).ToList();
        foreach (var r in adds)
        {
            await writer.EnqueueAsync(r);
        }

        for (int i = 1; i < 100; i += 2)
        {
            await sources[i].CancelAsync();
        }

        writer.Start();
        for (int i = 0; i < 100; i++)
        {
            if (i % 2 == 1)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => adds[i].Completion);
            }
            else
            {
                await adds[i].Completion;
            }
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => i * 2), await Installed(writer));
        Assert.Equal(50, writer.Statistics.Cancelled);
        Assert.Equal(50 + 1, writer.Statistics.Messages); // the cancelled ones never reached sendmsg (+1: the dump)
        sources.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Submit_CancelledAfterEncode_ReportsTrueOutcome()
    {
        await using var writer = Open(new WriterOptions(), start: false);
        _ns.Ip("xfrm policy add src 10.0.0.3/32 dst 0.0.0.0/0 dir out priority 5 if_id 7");
        using var cts = new CancellationTokenSource();

        // The token fires while the batch is being built, while "applied" is encoded: "refused" (encoded before)
        // and "applied" are sent and report what the kernel said; "late" (not yet encoded) is never sent.
        var refused = RawPolicy.Add(3, ct: cts.Token);
        var applied = RawPolicy.Add(2, onEncode: cts.Cancel, ct: cts.Token);
        var late = RawPolicy.Add(4, ct: cts.Token);
        await writer.EnqueueAsync(refused);
        await writer.EnqueueAsync(applied);
        await writer.EnqueueAsync(late);
        writer.Start();

        var error = await Assert.ThrowsAsync<KernelException>(() => refused.Completion);
        Assert.Equal(Errnos.EEXIST, error.Errno);
        await applied.Completion; // succeeded, not "cancelled": it is in the kernel
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => late.Completion);
        Assert.Equal([2, 3], await Installed(writer));
        Assert.Equal(2, writer.Statistics.Batches); // refused + applied in one sendmsg, then the dump
    }

    [Fact]
    public async Task Enqueue_CancelledWhileQueueFull_NeverQueued()
    {
        await using var writer = Open(new WriterOptions { QueueBound = 1 }, start: false);
        await writer.EnqueueAsync(RawPolicy.Add(1));
        using var cts = new CancellationTokenSource();
        var blocked = RawPolicy.Add(2, ct: cts.Token);
        var waiting = writer.EnqueueAsync(blocked).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True(blocked.Completion.IsCanceled);
        writer.Start();
        Assert.Equal([1], await Installed(writer));
    }

    /// <summary>0 for success, the errno for a KernelException, -1 for anything else.</summary>
    private static async Task<int[]> Outcomes(IEnumerable<NetlinkRequest> requests)
    {
        var list = new List<int>();
        foreach (var r in requests)
        {
            try
            {
                await r.Completion;
                list.Add(0);
            }
            catch (KernelException e)
            {
                list.Add(e.Errno);
            }
            catch (Exception)
            {
                list.Add(-1);
            }
        }

        return [.. list];
    }
}
