using Concentrator.Kernel.Netlink;
using Concentrator.Kernel.Tests.Netns;

namespace Concentrator.Kernel.Tests.Writer;

/// <summary>The batching writer against this kernel's XFRM tables, each test in a namespace of its own.</summary>
public sealed class WriterBatchTests : IDisposable
{
    private readonly TestNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    private NetlinkWriter Open(WriterOptions? options = null, bool start = true) =>
        NetlinkWriter.Open(NetlinkSocket.NetlinkXfrm, options ?? new WriterOptions(), _ns.Path, start);

    private static async Task<int> CountPolicies(NetlinkWriter writer) =>
        (await writer.SubmitAsync(RawPolicy.Dump())).Messages.Count(m => NetlinkAckType(m) == 0x13);

    private static ushort NetlinkAckType(byte[] m) => BitConverter.ToUInt16(m, 4);

    [Fact]
    public async Task Submit_ManyPolicies_AllAckedInFewBatchesAndInstalled()
    {
        await using var writer = Open(new WriterOptions { MaxBatchMessages = 128 }, start: false);
        var requests = Enumerable.Range(0, 1000).Select(i => RawPolicy.Add(i)).ToList();
        foreach (var r in requests)
        {
            await writer.EnqueueAsync(r);
        }

        writer.Start();
        await Task.WhenAll(requests.Select(r => r.Completion));
        Assert.All(requests, r => Assert.True(r.Completion.IsCompletedSuccessfully));
        Assert.Equal(1000, writer.Statistics.Messages);
        Assert.Equal(8, writer.Statistics.Batches); // ceil(1000 / 128) sendmsg calls, not 1000
        Assert.Equal(1000, await CountPolicies(writer));
        Assert.Equal(1000, _ns.PolicyCountByIp());
        Assert.Contains("src 10.0.3.231/32 dst 0.0.0.0/0", _ns.Ip("xfrm policy list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ExistingPolicyInMiddleOfBatch_OnlyThatRequestFailsWithEexist()
    {
        await using var writer = Open(new WriterOptions { MaxBatchMessages = 256 }, start: false);
        _ns.Ip("xfrm policy add src 10.0.0.50/32 dst 0.0.0.0/0 dir out priority 5 if_id 7");

        var requests = Enumerable.Range(0, 100).Select(i => RawPolicy.Add(i)).ToList();
        foreach (var r in requests)
        {
            await writer.EnqueueAsync(r);
        }

        writer.Start();
        var failures = new List<(int Index, KernelException Error)>();
        for (int i = 0; i < requests.Count; i++)
        {
            try
            {
                await requests[i].Completion;
            }
            catch (KernelException e)
            {
                failures.Add((i, e));
            }
        }

        var (index, error) = Assert.Single(failures);
        Assert.Equal(50, index);
        Assert.Equal(Errnos.EEXIST, error.Errno);
        Assert.Equal(1, writer.Statistics.Batches); // all 100 in one sendmsg
        Assert.Equal(100, await CountPolicies(writer));
        Assert.Contains("priority 5 ", _ns.Ip("xfrm policy get src 10.0.0.50/32 dst 0.0.0.0/0 dir out if_id 7"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_AddThenDeleteInOneBatch_KernelAppliesThemInQueueOrder()
    {
        await using var writer = Open(start: false);
        var add = new NetlinkRequest("add", RawPolicy.Add(1).Encoder) { MaxLength = 192 };
        var del = new NetlinkRequest("del", RawPolicy.Delete(1).Encoder) { MaxLength = 88 };
        var add2 = new NetlinkRequest("add2", RawPolicy.Add(2).Encoder) { MaxLength = 192 };
        await writer.EnqueueAsync(add);
        await writer.EnqueueAsync(del);
        await writer.EnqueueAsync(add2);
        writer.Start();
        await Task.WhenAll(add.Completion, del.Completion, add2.Completion);

        Assert.Equal(1, writer.Statistics.Batches);
        var dump = await writer.SubmitAsync(RawPolicy.Dump());
        Assert.Equal([2], dump.Messages.Select(RawPolicy.IndexOf));
    }

    [Fact]
    public async Task Submit_ConflictingKeys_SplitIntoSeparateBatches()
    {
        await using var writer = Open(start: false);
        var requests = new[] { RawPolicy.Add(1), RawPolicy.Add(2), RawPolicy.Delete(1), RawPolicy.Add(3) };
        foreach (var r in requests)
        {
            await writer.EnqueueAsync(r);
        }

        writer.Start();
        await Task.WhenAll(requests.Select(r => r.Completion));
        Assert.Equal(2, writer.Statistics.Batches); // [add1, add2] | [del1, add3]
        Assert.Equal([2, 3], (await writer.SubmitAsync(RawPolicy.Dump())).Messages.Select(RawPolicy.IndexOf).Order());
    }

    [Fact]
    public async Task Submit_GetPolicy_ReplyDataDeliveredBeforeAck()
    {
        await using var writer = Open();
        await writer.SubmitAsync(RawPolicy.Add(9, priority: 1234));

        var reply = await writer.SubmitAsync(RawPolicy.Get(9));
        var message = Assert.Single(reply.Messages);
        Assert.Equal(9, RawPolicy.IndexOf(message));
        Assert.Equal(1234u, RawPolicy.Priority(message));

        var missing = await Assert.ThrowsAsync<KernelException>(() => writer.SubmitAsync(RawPolicy.Get(10)));
        Assert.Equal(Errnos.ENOENT, missing.Errno);
    }

    [Fact]
    public async Task Enqueue_QueueFull_ProducerWaitsUntilWriterDrains()
    {
        await using var writer = Open(new WriterOptions { QueueBound = 4 }, start: false);
        var queued = new List<NetlinkRequest>();
        for (int i = 0; i < 4; i++)
        {
            var r = RawPolicy.Add(i);
            queued.Add(r);
            Assert.True(writer.EnqueueAsync(r).AsTask().IsCompletedSuccessfully);
        }

        var fifth = RawPolicy.Add(4);
        var waiting = writer.EnqueueAsync(fifth).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted); // back-pressure: the producer waits, nothing grows unbounded

        writer.Start();
        await waiting;
        await fifth.Completion;
        await Task.WhenAll(queued.Select(r => r.Completion));
        Assert.Equal(5, await CountPolicies(writer));
    }

    [Fact]
    public async Task Submit_Dump_ReassemblesMultipartUntilDone()
    {
        await using var writer = Open(new WriterOptions { MaxBatchMessages = 512 });
        await Task.WhenAll(Enumerable.Range(0, 700).Select(i => writer.SubmitAsync(RawPolicy.Add(i))));

        var dump = await writer.SubmitAsync(RawPolicy.Dump());
        Assert.Equal(Enumerable.Range(0, 700), dump.Messages.Select(RawPolicy.IndexOf).Order());
        Assert.Equal(0, writer.Statistics.Truncations);
    }
}
