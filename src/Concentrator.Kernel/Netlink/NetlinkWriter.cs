using System.Threading.Channels;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// The single writer of one netlink socket (one per protocol: XFRM, ROUTE). Many producers queue
/// <see cref="NetlinkRequest"/>s into a bounded channel (they await when it is full); one loop takes whatever
/// is queued, up to <see cref="WriterOptions.MaxBatchMessages"/>/<see cref="WriterOptions.MaxBatchBytes"/>, and
/// sends it in ONE sendmsg, every message with NLM_F_ACK and its own sequence number. The kernel processes
/// the messages of one sendmsg in order and synchronously, queueing one ack (or error) per message; the loop
/// reads them and completes each request by sequence number.
/// <para>
/// Order: the queue is FIFO and a batch is processed by the kernel front to back, so a request is applied
/// after every request queued before it (an SA before the policies queued after it). A failure does not
/// stop the batch: every later request is still applied and gets its own result, exactly as if sent one by
/// one; callers that must not install B when A failed await A before queueing B.
/// </para>
/// <para>
/// Lost acks: when the receive buffer overflows the kernel drops acks and recvmsg reports ENOBUFS. The
/// requests left without an answer are resolved by their <see cref="NetlinkRecovery"/> (probe the object, or
/// resend an idempotent form) before the next batch is sent, so no request is lost or applied twice; the
/// batch size is halved to stop the overflow from recurring. Dumps (always alone in a batch) are re-run.
/// </para>
/// <para>
/// Cancellation: a request whose token fired before it was encoded is never sent (its task is cancelled);
/// once sent, its task reports the kernel's true outcome whatever the token says.
/// </para>
/// <para>
/// Completion: the tasks of a batch are completed together by one thread-pool work item, never on the
/// writer's own thread; their continuations run synchronously there, so a continuation must not block.
/// </para>
/// </summary>
public sealed partial class NetlinkWriter : IAsyncDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly WriterOptions _options;
    private readonly Channel<NetlinkRequest> _queue;
    private readonly byte[] _sendBuffer;
    private readonly (int Offset, int Length)[] _slices;
    private readonly List<Pending> _batch = [];
    private List<Outcome> _outcomes = [];
    private readonly HashSet<object> _keys = [];
    private readonly NetlinkReceiveResult[] _multiResults = new NetlinkReceiveResult[64];
    private byte[] _readBuffer;
    private byte[] _multiBuffer;
    private int _slot;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _loop;
    private uint _nextSequence = 1;
    private int _batchLimit;
    private int _cleanBatches;
    private bool _overflowInBatch;

    internal NetlinkWriter(NetlinkSocket socket, WriterOptions options)
    {
        options.Validate();
        _socket = socket;
        _options = options;
        _queue = Channel.CreateBounded<NetlinkRequest>(new BoundedChannelOptions(options.QueueBound)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _sendBuffer = new byte[options.MaxBatchBytes];
        _slices = new (int, int)[options.MaxBatchMessages];
        _readBuffer = new byte[options.ReadBufferBytes];
        _slot = Math.Min(options.ReadBufferBytes, 4096);
        _multiBuffer = new byte[_slot * _multiResults.Length];
        _batchLimit = options.MaxBatchMessages;
    }

    public WriterStatistics Statistics { get; } = new();

    /// <summary>Port id of the socket (nlmsg_pid of the replies).</summary>
    public uint PortId => _socket.PortId;

    /// <summary>Receive buffer the kernel granted the socket.</summary>
    public int ReceiveBufferBytes => _socket.ReceiveBufferBytes;

    /// <summary>Current batch limit (lowered after ENOBUFS when <see cref="WriterOptions.AdaptBatchOnOverflow"/>).</summary>
    public int BatchLimit => Volatile.Read(ref _batchLimit);

    /// <summary>
    /// Opens a socket of <paramref name="protocol"/> (<see cref="NetlinkSocket.NetlinkXfrm"/> or
    /// <see cref="NetlinkSocket.NetlinkRoute"/>), in the network namespace at <paramref name="namespacePath"/>
    /// if given, with buffers sized for the batch, and starts the loop unless <paramref name="start"/> is false.
    /// </summary>
    public static NetlinkWriter Open(int protocol, WriterOptions options, string? namespacePath = null, bool start = true)
    {
        options.Validate();
        var socket = NetlinkSocket.Open(protocol, new NetlinkSocketOptions
        {
            ReceiveBufferBytes = options.EffectiveReceiveBufferBytes,
            // netlink_sendmsg refuses a message longer than sk_sndbuf - 32 with EMSGSIZE.
            SendBufferBytes = options.MaxBatchBytes + 64 * 1024,
            CapAcks = options.CapAcks,
        }, namespacePath);
        var writer = new NetlinkWriter(socket, options);
        if (start)
        {
            writer.Start();
        }

        return writer;
    }

    /// <summary>
    /// Starts the loop on a thread of its own: it makes blocking syscalls (poll while waiting for a late ack)
    /// and should neither take a thread-pool thread from the producers nor wait behind them.
    /// </summary>
    public void Start()
    {
        if (_loop is not null)
        {
            return;
        }

        _loop = new Thread(ThreadMain) { IsBackground = true, Name = $"netlink writer {_socket.Protocol}" };
        _loop.Start();
    }

    /// <summary>
    /// Queues a request, waiting while the queue is full (back-pressure). Completes when queued; the answer
    /// comes through <see cref="NetlinkRequest.Completion"/>. If the request's token fires while waiting it is
    /// never queued and this throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public ValueTask EnqueueAsync(NetlinkRequest request)
    {
        if (_queue.Writer.TryWrite(request))
        {
            return ValueTask.CompletedTask;
        }

        return Slow(request);

        async ValueTask Slow(NetlinkRequest r)
        {
            try
            {
                await _queue.Writer.WriteAsync(r, r.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                r.Cancel();
                throw;
            }
            catch (ChannelClosedException e)
            {
                r.Fail(new ObjectDisposedException(nameof(NetlinkWriter), e));
                throw new ObjectDisposedException(nameof(NetlinkWriter));
            }
        }
    }

    /// <summary>Queues the request and waits for the kernel's answer.</summary>
    public async Task<NetlinkReply> SubmitAsync(NetlinkRequest request)
    {
        await EnqueueAsync(request).ConfigureAwait(false);
        return await request.Completion.ConfigureAwait(false);
    }

    /// <summary>Stops taking requests, lets the loop finish everything already queued, closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _stopped.Task.ConfigureAwait(false);
        }
        else
        {
            while (_queue.Reader.TryRead(out var r))
            {
                r.Fail(new ObjectDisposedException(nameof(NetlinkWriter)));
            }
        }

        _socket.Dispose();
    }

    private void ThreadMain()
    {
        try
        {
            Loop();
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Loop()
    {
        var reader = _queue.Reader;
        while (WaitToRead(reader))
        {
            _batch.Clear();
            _keys.Clear();
            try
            {
                TakeBatch(reader);
                if (_batch.Count > 0)
                {
                    Run(_batch);
                }
            }
            catch (Exception e)
            {
                // A bug or a dead socket: never leave a caller waiting forever; settled ones keep their outcome.
                foreach (var p in _batch.Where(p => !p.Request.Settled))
                {
                    Resolve(new Outcome(p.Request, null, e));
                }
            }
            finally
            {
                Publish();
            }
        }
    }

    private static bool WaitToRead(ChannelReader<NetlinkRequest> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Dequeues one batch: up to the limits, a dump alone, never two requests on the same object.</summary>
    private void TakeBatch(ChannelReader<NetlinkRequest> reader)
    {
        int reserved = 0;
        while (_batch.Count < _batchLimit && reader.TryPeek(out var r))
        {
            if (r.IsDump && _batch.Count > 0)
            {
                break;
            }

            if (_batch.Count > 0 && reserved + r.MaxLength > _sendBuffer.Length)
            {
                break;
            }

            if (r.ConflictKey is { } key && !_keys.Add(key))
            {
                break;
            }

            _ = reader.TryRead(out _);
            reserved += r.MaxLength;
            _batch.Add(new Pending(r, PendingKind.Original, r.Encoder, r.IsDump, 0));
            if (r.IsDump)
            {
                break;
            }
        }
    }

    /// <summary>Sends a batch and settles every request in it, recovering lost acks before returning.</summary>
    private void Run(List<Pending> batch)
    {
        _overflowInBatch = false;
        var current = batch;
        while (current.Count > 0)
        {
            Transmit(current);
            var next = new List<Pending>();
            foreach (var p in current)
            {
                Settle(p, next);
            }

            Publish();

            current = next;
        }

        AdaptBatchLimit();
    }

    private void AdaptBatchLimit()
    {
        if (!_options.AdaptBatchOnOverflow)
        {
            return;
        }

        if (_overflowInBatch)
        {
            _cleanBatches = 0;
        }
        else if (++_cleanBatches >= 8 && _batchLimit < _options.MaxBatchMessages)
        {
            _cleanBatches = 0;
            Volatile.Write(ref _batchLimit, Math.Min(_options.MaxBatchMessages, _batchLimit * 2));
        }
    }
}
