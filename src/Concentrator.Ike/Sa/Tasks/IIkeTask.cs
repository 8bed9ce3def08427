using Concentrator.Ike.Encoding;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>What a task says after building or processing its part of a message.</summary>
public enum IkeTaskStatus
{
    /// <summary>The task has another round (e.g. IKE_SA_INIT again after COOKIE or INVALID_KE_PAYLOAD).</summary>
    NeedMore,

    /// <summary>The task is done.</summary>
    Success,

    /// <summary>The IKE SA cannot continue. A responder task that fails in Process builds the error response in
    /// Build (the only payloads then); the task manager builds no other task.</summary>
    Failed,
}

/// <summary>
/// One IKEv2 step, like strongSwan's <c>task_t</c>: the role is fixed at construction; the initiator side builds
/// the request and processes the response (<c>BuildI</c>, <c>ProcessI</c>), the responder side processes the
/// request and builds the response (<c>ProcessR</c>, <c>BuildR</c>). Payloads are read from
/// <see cref="IkeMessage.Content"/> and appended to <see cref="IkeMessage.Payloads"/>; the task manager wraps them
/// into the Encrypted payload where the exchange is protected.
/// </summary>
public interface IIkeTask
{
    ExchangeType Exchange { get; }

    IkeTaskStatus Build(IkeMessage message);

    IkeTaskStatus Process(IkeMessage message);
}

/// <summary>Dispatches <see cref="IIkeTask.Build"/> and <see cref="IIkeTask.Process"/> to the role's methods.</summary>
public abstract class IkeTask : IIkeTask
{
    protected IkeTask(IkeSa sa, bool initiator)
    {
        Sa = sa;
        Initiator = initiator;
    }

    protected IkeSa Sa { get; }

    /// <summary>True when this side sends the request of the task's exchange.</summary>
    protected bool Initiator { get; }

    public abstract ExchangeType Exchange { get; }

    public IkeTaskStatus Build(IkeMessage message) => Initiator ? BuildI(message) : BuildR(message);

    public IkeTaskStatus Process(IkeMessage message) => Initiator ? ProcessI(message) : ProcessR(message);

    protected abstract IkeTaskStatus BuildI(IkeMessage request);

    protected abstract IkeTaskStatus ProcessR(IkeMessage request);

    protected abstract IkeTaskStatus BuildR(IkeMessage response);

    protected abstract IkeTaskStatus ProcessI(IkeMessage response);

    /// <summary>Replaces whatever the response holds by one error Notify (RFC 7296 §2.21: an error answer
    /// carries the Notify, nothing else).</summary>
    protected static IkeTaskStatus ErrorResponse(IkeMessage response, NotifyType type, ReadOnlyMemory<byte> data = default)
    {
        response.Payloads.Clear();
        response.Payloads.Add(new Encoding.Payloads.NotifyPayload(type, data));
        return IkeTaskStatus.Failed;
    }
}
