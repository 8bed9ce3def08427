namespace Concentrator.Kernel.Netlink;

/// <summary>Tuning of one <see cref="NetlinkWriter"/>. Defaults suit thousands of road warriors on one socket.</summary>
public sealed record WriterOptions
{
    /// <summary>Requests that may wait in the queue; producers await (back-pressure) when it is full.</summary>
    public int QueueBound { get; init; } = 16_384;

    /// <summary>Most messages in one sendmsg (1 = one request at a time: send, wait for its ack, send the next).</summary>
    public int MaxBatchMessages { get; init; } = 256;

    /// <summary>Most bytes in one sendmsg; the socket's send buffer is sized above it (netlink refuses larger with EMSGSIZE).</summary>
    public int MaxBatchBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// SO_RCVBUF(FORCE) to ask for; 0 = sized from <see cref="MaxBatchMessages"/> so that a whole batch of acks
    /// fits (each ack is its own skb, charged at its truesize, about <see cref="AckChargeBytes"/>).
    /// </summary>
    public int SocketReceiveBufferBytes { get; init; }

    /// <summary>What one queued ack costs in the receive buffer (skb truesize), used to size it.</summary>
    public int AckChargeBytes { get; init; } = 1024;

    /// <summary>User-space buffer for one recvmsg; grown when the kernel reports MSG_TRUNC.</summary>
    public int ReadBufferBytes { get; init; } = 64 * 1024;

    /// <summary>Read acks with recvmmsg, up to 64 datagrams per syscall (dumps always use recvmsg).</summary>
    public bool ReceiveMany { get; init; } = true;

    /// <summary>After ENOBUFS halve the batch size (down to 1), then grow it back after clean batches.</summary>
    public bool AdaptBatchOnOverflow { get; init; } = true;

    /// <summary>How long to wait for an ack that is neither queued nor reported lost before treating it as lost.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a lost ack is recovered (probe/resend) before the request fails with ENOBUFS.</summary>
    public int MaxRecoveryAttempts { get; init; } = 8;

    /// <summary>NETLINK_CAP_ACK: errors echo only the request header.</summary>
    public bool CapAcks { get; init; } = true;

    internal int EffectiveReceiveBufferBytes =>
        SocketReceiveBufferBytes > 0 ? SocketReceiveBufferBytes : Math.Max(256 * 1024, MaxBatchMessages * AckChargeBytes);

    internal void Validate()
    {
        if (QueueBound < 1 || MaxBatchMessages is < 1 or > 1024 || MaxBatchBytes < 4096 || ReadBufferBytes < 64 || MaxRecoveryAttempts < 1)
        {
            throw new ArgumentException($"invalid writer options: {this} (batch 1..1024 messages, batch bytes >= 4096, queue >= 1)");
        }
    }
}

/// <summary>Counters of a writer, readable at any time (approximate while it runs).</summary>
public sealed class WriterStatistics
{
    internal long BatchesField;
    internal long MessagesField;
    internal long OverflowsField;
    internal long TruncationsField;
    internal long RecoveredField;
    internal long TimeoutsField;
    internal long StaleField;
    internal long CancelledField;

    public long Batches => Volatile.Read(ref BatchesField);
    public long Messages => Volatile.Read(ref MessagesField);

    /// <summary>ENOBUFS seen on recvmsg: the kernel dropped acks.</summary>
    public long Overflows => Volatile.Read(ref OverflowsField);

    /// <summary>Datagrams longer than the read buffer (MSG_TRUNC).</summary>
    public long Truncations => Volatile.Read(ref TruncationsField);

    /// <summary>Requests whose outcome was established by probe/resend after a lost ack.</summary>
    public long Recovered => Volatile.Read(ref RecoveredField);

    public long AckTimeouts => Volatile.Read(ref TimeoutsField);

    /// <summary>Replies whose sequence number matched no outstanding request.</summary>
    public long StaleReplies => Volatile.Read(ref StaleField);

    /// <summary>Requests cancelled before they were sent (never sent).</summary>
    public long Cancelled => Volatile.Read(ref CancelledField);

    public override string ToString() =>
        $"batches={Batches} messages={Messages} overflows={Overflows} truncations={Truncations} recovered={Recovered} timeouts={AckTimeouts} stale={StaleReplies} cancelled={Cancelled}";
}
