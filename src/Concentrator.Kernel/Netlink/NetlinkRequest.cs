namespace Concentrator.Kernel.Netlink;

/// <summary>
/// Writes one complete netlink message (nlmsghdr included) into <paramref name="destination"/> and returns its
/// length. The writer then stamps nlmsg_seq with <paramref name="sequence"/>, sets nlmsg_pid to 0 and ORs in
/// NLM_F_REQUEST and, except for dumps, NLM_F_ACK, so encoders need not care about either.
/// </summary>
public delegate int NetlinkEncoder(Span<byte> destination, uint sequence);

/// <summary>
/// One request for a <see cref="NetlinkWriter"/>: a message to send and the task that completes with the
/// kernel's answer. <see cref="Completion"/> ends with a <see cref="NetlinkReply"/> (ack 0, plus any data
/// messages that carried this request's sequence number), a <see cref="KernelException"/> with the errno and
/// NLMSGERR_ATTR_MSG text when the kernel refused, or is cancelled when <see cref="CancellationToken"/> fired
/// before the request was sent (a request already sent always reports its true outcome).
/// </summary>
public sealed class NetlinkRequest
{
    // Synchronous continuations: the writer completes a whole batch from one thread-pool work item (never
    // from its own thread), so callers' continuations run there, one after the other.
    private readonly TaskCompletionSource<NetlinkReply> _completion = new();

    public NetlinkRequest(string operation, NetlinkEncoder encoder, CancellationToken cancellationToken = default)
    {
        Operation = operation;
        Encoder = encoder;
        CancellationToken = cancellationToken;
    }

    /// <summary>Name used in exception messages, e.g. "XFRM_MSG_NEWPOLICY".</summary>
    public string Operation { get; }

    public NetlinkEncoder Encoder { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>NLM_F_DUMP request: answered by NLM_F_MULTI messages and NLMSG_DONE; always sent in a batch of its own.</summary>
    public bool IsDump { get; init; }

    /// <summary>Upper bound of the encoded length; the writer reserves this much room in the batch buffer.</summary>
    public int MaxLength { get; init; } = 2048;

    /// <summary>
    /// How to learn the outcome when the ack was lost (ENOBUFS on the socket, a truncated read, a timeout).
    /// Null: dumps are re-run, other requests fail with ENOBUFS "outcome unknown".
    /// </summary>
    public NetlinkRecovery? Recovery { get; init; }

    /// <summary>
    /// Identity of the kernel object this request changes (e.g. the SA id), or null. Two requests with equal
    /// keys never share a batch, so resolving a lost ack by probing the object cannot see a later change of it.
    /// </summary>
    public object? ConflictKey { get; init; }

    public Task<NetlinkReply> Completion => _completion.Task;

    /// <summary>The writer has decided the outcome (its task completes shortly, from a thread-pool thread). Writer thread only.</summary>
    internal bool Settled { get; set; }

    internal void Succeed(NetlinkReply reply) => _completion.TrySetResult(reply);

    internal void Fail(Exception error) => _completion.TrySetException(error);

    internal void Cancel() => _completion.TrySetCanceled(CancellationToken);
}

/// <summary>The kernel accepted a request. <see cref="Messages"/> holds every data message (header included) it sent back.</summary>
public sealed class NetlinkReply
{
    internal static readonly NetlinkReply Empty = new([], false);

    public NetlinkReply(IReadOnlyList<byte[]> messages, bool recovered)
    {
        Messages = messages;
        Recovered = recovered;
    }

    public IReadOnlyList<byte[]> Messages { get; }

    /// <summary>True when the ack was lost and the outcome was established by <see cref="NetlinkRecovery"/>.</summary>
    public bool Recovered { get; }
}

/// <summary>How the writer establishes the outcome of a request whose ack the kernel dropped.</summary>
public abstract record NetlinkRecovery
{
    private NetlinkRecovery()
    {
    }

    /// <summary>
    /// Send the request again, as <paramref name="encoder"/> (an idempotent form such as NLM_F_REPLACE) or as
    /// itself. An errno in <paramref name="alreadyDone"/> means the lost attempt had done the work (e.g. ESRCH
    /// for a delete, EEXIST for an add whose probe is unavailable) and reports success.
    /// </summary>
    public sealed record Resend(NetlinkEncoder? Encoder = null, IReadOnlySet<int>? AlreadyDone = null) : NetlinkRecovery;

    /// <summary>
    /// Ask the kernel (a GET with NLM_F_ACK, e.g. XFRM_MSG_GETPOLICY). <paramref name="applied"/> reads the
    /// answer (errno, data messages) and says whether the lost request took effect: yes reports success,
    /// no sends the original again, whose answer is then the true result.
    /// </summary>
    public sealed record Probe(NetlinkEncoder Query, Func<KernelResult, IReadOnlyList<byte[]>, bool> Applied) : NetlinkRecovery;
}
