using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa.Tasks;

namespace Concentrator.Ike.Sa;

// The responder's IKE_AUTH, which with EAP takes several requests (RFC 7296 §2.16): the IKE_AUTH task is kept from
// round to round; the configuration and CHILD SA tasks read the first request (its CP, SA and TS) and build into the
// last response, once the peer is authenticated (as strongSwan answers them only in the last IKE_AUTH response).
internal sealed partial class TaskManager
{
    private AuthRound? _auth;

    /// <summary>Why the last IKE_AUTH request was dropped unanswered (an EAP response outside the conversation), or null.</summary>
    public string? AuthDiscarded { get; private set; }

    /// <summary>What the EAP backend must be asked before the last IKE_AUTH request can be answered, or null.</summary>
    public object? AuthPending => _auth?.Auth.PendingRelay;

    /// <summary>The IKE_AUTH conversation has begun EAP and not finished.</summary>
    public bool EapUnderWay => _auth is { Auth.MoreRounds: true };

    /// <summary>The peer's identity in an EAP conversation (for the log), or null.</summary>
    public IkeIdentity? EapPeer => _auth?.Auth.EapPeer;

    private IkeTaskStatus RespondAuth(IkeMessage request, IkeMessage response)
    {
        AuthDiscarded = null;
        // RFC 5685 §6: a client the cluster sends elsewhere gets N(REDIRECT) in the last IKE_AUTH response in place of
        // its configuration and CHILD SA (no address leased, nothing installed).
        _auth ??= new AuthRound(new IkeAuthTask(_sa, initiator: false),
            _sa.RedirectDueInAuth is { } gateway ? [IkeRedirectTask.InIkeAuth(_sa, gateway)]
            : [new IkeConfigTask(_sa, initiator: false), new ChildCreateTask(_sa, initiator: false)], request);
        IkeAuthTask auth = _auth.Auth;
        if (auth.Process(request) == IkeTaskStatus.Failed)
        {
            auth.Build(response);
            _auth = null;
            return IkeTaskStatus.Failed;
        }

        return Answer(response);
    }

    /// <summary>The EAP backend answered (after <see cref="AuthPending"/>): the held IKE_AUTH response is built.</summary>
    public IkeTaskStatus ResumeAuth(EapStep step, IkeMessage response)
    {
        IkeAuthTask auth = _auth!.Auth;
        if (auth.ResumeEap(step) == IkeTaskStatus.Failed)
        {
            auth.Build(response);
            _auth = null;
            return IkeTaskStatus.Failed;
        }

        return Answer(response);
    }

    /// <summary>What the verifier waited for is done (after <see cref="AuthPending"/>, revocation information
    /// fetched): the AUTH check runs again and the held IKE_AUTH response is built.</summary>
    public IkeTaskStatus ResumeVerification(IkeMessage response)
    {
        IkeAuthTask auth = _auth!.Auth;
        if (auth.ResumeVerification() == IkeTaskStatus.Failed)
        {
            auth.Build(response);
            _auth = null;
            return IkeTaskStatus.Failed;
        }

        return Answer(response);
    }

    private IkeTaskStatus Answer(IkeMessage response)
    {
        AuthRound round = _auth!;
        if (round.Auth.Discarded is { } why)
        {
            AuthDiscarded = why;
            return IkeTaskStatus.NeedMore;
        }

        if (round.Auth.PendingRelay is not null)
        {
            return IkeTaskStatus.NeedMore;
        }

        if (round.Auth.MoreRounds)
        {
            // Another EAP round: the answer is the IKE_AUTH task's alone.
            return round.Auth.Build(response) == IkeTaskStatus.Failed ? Done(IkeTaskStatus.Failed) : IkeTaskStatus.Success;
        }

        foreach (IIkeTask task in round.Others)
        {
            if (task.Process(round.FirstRequest) == IkeTaskStatus.Failed)
            {
                task.Build(response);
                return Done(IkeTaskStatus.Failed);
            }
        }

        if (round.Auth.Build(response) == IkeTaskStatus.Failed)
        {
            return Done(IkeTaskStatus.Failed);
        }

        foreach (IIkeTask task in round.Others)
        {
            if (task.Build(response) == IkeTaskStatus.Failed)
            {
                return Done(IkeTaskStatus.Failed);
            }
        }

        return Done(IkeTaskStatus.Success);
    }

    private IkeTaskStatus Done(IkeTaskStatus status)
    {
        _auth = null;
        return status;
    }

    private sealed record AuthRound(IkeAuthTask Auth, IIkeTask[] Others, IkeMessage FirstRequest);
}
