using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Tasks;

namespace Concentrator.Ike.Sa;

/// <summary>
/// Runs the tasks of an IKE SA (strongSwan's <c>task_manager_v2</c>): as initiator a queue of exchanges, each a
/// group of tasks that build one request and process its response; as responder a fresh group per request,
/// chosen by exchange type, that processes the request and builds the response. Message IDs and the wire are
/// <see cref="IkeSa"/>'s business.
/// </summary>
internal sealed partial class TaskManager
{
    private readonly IkeSa _sa;
    private readonly Queue<IIkeTask[]> _queue = new();
    private IIkeTask[]? _active;

    public TaskManager(IkeSa sa) => _sa = sa;

    /// <summary>The exchange in flight (initiator side), if any.</summary>
    public bool HasActive => _active is not null;

    public bool HasQueued => _queue.Count > 0;

    public ExchangeType? ActiveExchange => _active?[0].Exchange;

    /// <summary>A Delete of <paramref name="child"/> of ours is in flight or queued.</summary>
    public bool Deleting(ChildSa child) =>
        (_active ?? []).Concat(_queue.SelectMany(t => t)).OfType<ChildDeleteTask>().Any(d => d.Deleting.Contains(child));

    /// <summary>The exchange in flight (initiator side) is made of a <typeparamref name="T"/>.</summary>
    public bool ActiveIs<T>()
        where T : IIkeTask => _active is [T, ..];

    /// <summary>Queues one exchange made of <paramref name="tasks"/> (all of the same exchange type).</summary>
    public void Queue(params IIkeTask[] tasks) => _queue.Enqueue(tasks);

    /// <summary>Takes the next queued exchange, or null when none is queued or one is still in flight.</summary>
    public IIkeTask[]? Activate()
    {
        if (_active is not null || !_queue.TryDequeue(out IIkeTask[]? tasks))
        {
            return null;
        }

        _active = tasks;
        return tasks;
    }

    /// <summary>Builds the request of the active exchange into <paramref name="request"/>; false when a task
    /// fails to build (the SA has failed then).</summary>
    public bool BuildRequest(IkeMessage request)
    {
        // EAP rounds after the first IKE_AUTH request carry only what the IKE_AUTH task builds (RFC 7296 §2.16).
        foreach (IIkeTask task in _active![0] is Tasks.IkeAuthTask { MoreRounds: true } ? _active.AsSpan(0, 1) : _active.AsSpan())
        {
            if (task.Build(request) == IkeTaskStatus.Failed)
            {
                Abort();
                return false;
            }
        }

        return true;
    }

    /// <summary>Processes the response of the active exchange. NeedMore: the same exchange is to be sent again
    /// (COOKIE or INVALID_KE_PAYLOAD); Success: it is done; Failed: the SA has failed.</summary>
    public IkeTaskStatus ProcessResponse(IkeMessage response)
    {
        bool again = false;
        if (_active![0] is Tasks.IkeAuthTask auth)
        {
            // EAP: the IKE_AUTH task alone reads the responses until the last one, which the others read too.
            IkeTaskStatus status = auth.Process(response);
            if (status == IkeTaskStatus.Failed)
            {
                Abort();
                return IkeTaskStatus.Failed;
            }

            if (auth.MoreRounds)
            {
                return IkeTaskStatus.NeedMore;
            }

            // RFC 5685 §6: the gateway authenticated itself (checked above, before the REDIRECT is acted on) and sends
            // us elsewhere instead of a CHILD SA; the caller deletes this IKE SA and follows.
            if (_sa.Config.AnnounceRedirectSupport && IkeRedirectTask.ReadRedirect(response) is { } gateway)
            {
                _sa.RedirectedTo = gateway;
                _active = null;
                return IkeTaskStatus.Success;
            }
        }

        foreach (IIkeTask task in _active.AsSpan(_active[0] is Tasks.IkeAuthTask ? 1 : 0))
        {
            switch (task.Process(response))
            {
                case IkeTaskStatus.Failed:
                    Abort();
                    return IkeTaskStatus.Failed;
                case IkeTaskStatus.NeedMore:
                    again = true;
                    break;
            }
        }

        if (!again)
        {
            _active = null;
        }

        return again ? IkeTaskStatus.NeedMore : IkeTaskStatus.Success;
    }

    /// <summary>Answers a request: every task processes it, then every task builds its part of
    /// <paramref name="response"/>. A task failing in Process builds the (error) response alone.</summary>
    public IkeTaskStatus Respond(IkeMessage request, IkeMessage response)
    {
        if (request.ExchangeType == ExchangeType.IkeAuth)
        {
            return RespondAuth(request, response);
        }

        IIkeTask[] tasks = ResponderTasks(request);
        foreach (IIkeTask task in tasks)
        {
            if (task.Process(request) == IkeTaskStatus.Failed)
            {
                task.Build(response);
                return IkeTaskStatus.Failed;
            }
        }

        foreach (IIkeTask task in tasks)
        {
            if (task.Build(response) == IkeTaskStatus.Failed)
            {
                return IkeTaskStatus.Failed;
            }
        }

        return IkeTaskStatus.Success;
    }

    private IIkeTask[] ResponderTasks(IkeMessage request) => request.ExchangeType switch
    {
        ExchangeType.IkeSaInit => [new IkeInitTask(_sa, initiator: false)],
        ExchangeType.IkeAuth =>
            [new IkeAuthTask(_sa, initiator: false), new IkeConfigTask(_sa, initiator: false), new ChildCreateTask(_sa, initiator: false)],
        ExchangeType.Informational =>
            [new IkeDeleteTask(_sa, initiator: false), new ChildDeleteTask(_sa, initiator: false), IkeRedirectTask.InformationalResponder(_sa)],
        // RFC 7296 §1.3.2: a CREATE_CHILD_SA whose SA payload proposes protocol IKE rekeys the IKE SA itself.
        ExchangeType.CreateChildSa when request.Get<SaPayload>()?.Proposals is [{ Protocol: ProtocolId.Ike }, ..] =>
            [new IkeRekeyTask(_sa, initiator: false)],
        ExchangeType.CreateChildSa => [new ChildRekeyTask(_sa, initiator: false)],
        _ => [],
    };

    private void Abort()
    {
        _active = null;
        _queue.Clear();
    }
}
