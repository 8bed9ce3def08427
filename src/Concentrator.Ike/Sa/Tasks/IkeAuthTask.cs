using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// IKE_AUTH identities and authentication (RFC 7296 §1.2, §2.15): IDi/IDr, AUTH through the configured
/// <see cref="IAuthenticator"/>s, INITIAL_CONTACT (§2.4). A responder that cannot verify the initiator answers
/// AUTHENTICATION_FAILED alone and the SA fails; an initiator that cannot verify the responder fails the SA.
/// </summary>
public sealed class IkeAuthTask : IkeTask
{
    private NotifyType? _error;

    public IkeAuthTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    public override ExchangeType Exchange => ExchangeType.IkeAuth;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        IkeIdentity local = Sa.Config.LocalIdentity;
        request.Payloads.Add(local.ToPayload(initiator: true));
        if (Sa.Config.SendInitialContact)
        {
            request.Payloads.Add(new NotifyPayload(NotifyType.InitialContact));
        }

        if (!Sa.Config.RemoteIdentity.IsAny)
        {
            request.Payloads.Add(Sa.Config.RemoteIdentity.ToPayload(initiator: false));
        }

        if (!Sa.Config.LocalAuthenticator.Build(Sa, request, local, Sa.Config.RemoteIdentity))
        {
            Sa.Fail(NotifyType.AuthenticationFailed);
            return IkeTaskStatus.Failed;
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        IdPayload? idi = request.GetAll<IdPayload>().FirstOrDefault(id => id.IsInitiator);
        AuthPayload? auth = request.Get<AuthPayload>();
        if (idi is null || auth is null)
        {
            // EAP (no AUTH in the first IKE_AUTH) is not offered yet, so the request cannot be authenticated.
            return Error(NotifyType.AuthenticationFailed);
        }

        var remote = IkeIdentity.From(idi);
        IkeIdentity local = Sa.Config.LocalIdentity;
        if (!Sa.Config.RemoteIdentity.IsAny && !Sa.Config.RemoteIdentity.Equals(remote))
        {
            return Error(NotifyType.AuthenticationFailed);
        }

        IAuthenticator? verifier = Sa.Config.RemoteAuthenticators.FirstOrDefault(a => a.Method == auth.Method);
        if (verifier is null || !verifier.Verify(Sa, request, local, remote))
        {
            return Error(NotifyType.AuthenticationFailed);
        }

        if (Sa.Services.IdentityGate is { } gate && !gate.TryAdmit(remote, Sa.LeaseOwner))
        {
            // uniqueids=keep: the identity already has an IKE SA; refused as strongSwan does (AUTHENTICATION_FAILED).
            return Error(NotifyType.AuthenticationFailed);
        }

        Sa.RemoteIdentity = remote;
        Sa.InitialContactReceived = request.GetNotify(NotifyType.InitialContact) is not null;
        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (_error is { } error)
        {
            // RFC 7296 §2.21.2: an IKE_AUTH that fails authentication is answered with AUTHENTICATION_FAILED
            // and the IKE SA is not created.
            Sa.Fail(error);
            return ErrorResponse(response, error);
        }

        IkeIdentity local = Sa.Config.LocalIdentity;
        response.Payloads.Add(local.ToPayload(initiator: false));
        if (!Sa.Config.LocalAuthenticator.Build(Sa, response, local, Sa.RemoteIdentity!))
        {
            Sa.Fail(NotifyType.AuthenticationFailed);
            return ErrorResponse(response, NotifyType.AuthenticationFailed);
        }

        Sa.State = IkeSaState.Established;
        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        if (response.GetAll<NotifyPayload>().FirstOrDefault(n => n.IsError && n.NotifyType is not
                (NotifyType.NoProposalChosen or NotifyType.TsUnacceptable or NotifyType.InternalAddressFailure
                or NotifyType.FailedCpRequired or NotifyType.SinglePairRequired)) is { } error)
        {
            Sa.Fail(error.NotifyType);
            return IkeTaskStatus.Failed;
        }

        IdPayload? idr = response.GetAll<IdPayload>().FirstOrDefault(id => !id.IsInitiator);
        AuthPayload? auth = response.Get<AuthPayload>();
        if (idr is null || auth is null)
        {
            Sa.Fail(NotifyType.AuthenticationFailed);
            return IkeTaskStatus.Failed;
        }

        var remote = IkeIdentity.From(idr);
        IAuthenticator? verifier = Sa.Config.RemoteAuthenticators.FirstOrDefault(a => a.Method == auth.Method);
        bool identityOk = Sa.Config.RemoteIdentity.IsAny || Sa.Config.RemoteIdentity.Equals(remote);
        // RFC 7296 §2.15: the initiator checks the responder's AUTH just as the responder checked its own.
        if (!identityOk || verifier is null || !verifier.Verify(Sa, response, Sa.Config.LocalIdentity, remote))
        {
            Sa.Fail(NotifyType.AuthenticationFailed);
            return IkeTaskStatus.Failed;
        }

        Sa.RemoteIdentity = remote;
        Sa.State = IkeSaState.Established;
        return IkeTaskStatus.Success;
    }

    private IkeTaskStatus Error(NotifyType type)
    {
        _error = type;
        return IkeTaskStatus.Failed;
    }
}
