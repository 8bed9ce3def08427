using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Sa.Connections;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// IKE_AUTH identities and authentication (RFC 7296 §1.2, §2.15): IDi/IDr, AUTH through the configured
/// <see cref="IAuthenticator"/>s, INITIAL_CONTACT (§2.4). A responder that cannot verify the initiator answers
/// AUTHENTICATION_FAILED alone (a failed EAP conversation: EAP-Failure instead, IkeAuthTask.Eap.cs) and the SA
/// fails; an initiator that cannot verify the responder fails the SA.
/// </summary>
public sealed partial class IkeAuthTask : IkeTask
{
    /// <summary>How often one AUTH check may wait (OCSP first, then CRLs, then an intermediate's): past it, what is
    /// still missing counts as not available.</summary>
    private const int MaxWaits = 3;

    private NotifyType? _error;
    private Verification? _waiting;

    /// <summary>An AUTH check that waits for the host (<see cref="PendingRelay"/>), to be run again.</summary>
    private sealed record Verification(IAuthenticator Verifier, IkeMessage Request, IkeIdentity Remote, int Rounds);

    public IkeAuthTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    public override ExchangeType Exchange => ExchangeType.IkeAuth;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        if (_client is not null)
        {
            return BuildEapI(request);
        }

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

        if (Sa.Config.LocalEap is { } eap)
        {
            // RFC 7296 §2.16: leaving AUTH out asks the responder for EAP.
            return StartEapI(eap, request);
        }

        if (!Sa.Config.LocalAuthenticator.Build(Sa, request, local, Sa.Config.RemoteIdentity))
        {
            Explain(AuthFailure.NoLocalCredential, Sa.Config.RemoteIdentity);
            Sa.Fail(NotifyType.AuthenticationFailed);
            return IkeTaskStatus.Failed;
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        if (_eap is not null)
        {
            return ProcessEapR(request);
        }

        IdPayload? idi = request.GetAll<IdPayload>().FirstOrDefault(id => id.IsInitiator);
        AuthPayload? auth = request.Get<AuthPayload>();
        if (idi is null)
        {
            return Error(AuthFailure.MissingIdentity, null);
        }

        var remote = IkeIdentity.From(idi);
        if (!remote.IsWellFormed)
        {
            // RFC 7296 §3.5: FQDN and RFC 822 identities "MUST NOT contain any terminators"; one that does is no
            // identity we can look up or log as is.
            return Error(AuthFailure.InvalidIdentity, remote);
        }

        // DESIGN.md rule 16: the connection is chosen here, where the peer says who it is (strongSwan ike_auth.c
        // process_r). RFC 7296 §3.5: IDr in a request names the responder the initiator wants to talk to; a
        // connection with another local identity is not a candidate (strongSwan: no peer config for that IDr).
        IkeIdentity? asked = request.GetAll<IdPayload>().FirstOrDefault(id => !id.IsInitiator) is { } idr ? IkeIdentity.From(idr) : null;
        IReadOnlyList<ConnectionCandidate> candidates = Sa.Services.Connections.Count > 0 ? Sa.Services.Connections
            : [new ConnectionCandidate("", Sa.Config) { AddressAllocator = Sa.Services.AddressAllocator, IdentityGate = Sa.Services.IdentityGate }];
        ConnectionCandidate? chosen = ConnectionSelection.ForIkeAuth(candidates, remote, asked, auth?.Method, Sa.IkeProposal, out AuthFailure? none, request);
        if (chosen is null)
        {
            return Error(none ?? AuthFailure.IdentityNotAllowed, remote, asked);
        }

        if (Sa.Services.Connections.Count > 0 && !ReferenceEquals(chosen, Sa.Connection))
        {
            // The provisional choice of IKE_SA_INIT does not fit (or another fits better): switch.
            Sa.UseConnection(chosen);
        }

        // RFC 7296 §3.7: the CAs the peer trusts pick the chain we send, with EAP too (our AUTH goes first there).
        Sa.PeerCaHashes = CertificateRequests.Read(request);
        if (auth is null)
        {
            // RFC 7296 §2.16: no AUTH in the first IKE_AUTH asks for EAP; the chosen connection offers it.
            return StartEapR(request, remote);
        }

        IAuthenticator? verifier = Sa.Config.RemoteAuthenticators.FirstOrDefault(a => a.Accepts(auth.Method));
        return verifier is null ? Error(AuthFailure.UnsupportedAuthMethod, remote) : VerifyR(new Verification(verifier, request, remote, 0));
    }

    /// <summary>The AUTH check, again after what it waited for (<see cref="PendingRelay"/>) is done.</summary>
    private IkeTaskStatus VerifyR(Verification v)
    {
        IkeIdentity remote = v.Remote;
        if (v.Verifier.Verify(Sa, v.Request, Sa.Config.LocalIdentity, remote, v.Rounds < MaxWaits, out object? pending) is { } failure)
        {
            return Error(failure, remote);
        }

        if (pending is not null)
        {
            PendingRelay = pending;
            _waiting = v with { Rounds = v.Rounds + 1 };
            return IkeTaskStatus.NeedMore;
        }

        if (Sa.Services.IdentityGate is { } gate && !gate.TryAdmit(remote, Sa.LeaseOwner))
        {
            // uniqueids=keep: the identity already has an IKE SA; refused as strongSwan does (AUTHENTICATION_FAILED).
            return Error(AuthFailure.IdentityAlreadyUp, remote);
        }

        Sa.RemoteIdentity = remote;
        Sa.InitialContactReceived = v.Request.GetNotify(NotifyType.InitialContact) is not null;
        return IkeTaskStatus.NeedMore;
    }

    /// <summary>What the verifier waited for is done (revocation information fetched): verify again.</summary>
    internal IkeTaskStatus ResumeVerification()
    {
        if (_waiting is null && _eap is not null)
        {
            return ResumeEapRevocation();
        }

        PendingRelay = null;
        Verification v = _waiting ?? throw new InvalidOperationException("no verification waits");
        _waiting = null;
        return VerifyR(v);
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

        if (_eap is not null)
        {
            return BuildEapR(response);
        }

        IkeIdentity local = Sa.Config.LocalIdentity;
        response.Payloads.Add(local.ToPayload(initiator: false));
        if (!Sa.Config.LocalAuthenticator.Build(Sa, response, local, Sa.RemoteIdentity!))
        {
            Explain(AuthFailure.NoLocalCredential, Sa.RemoteIdentity);
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

        if (_serverVerified)
        {
            return ProcessEapI(response);
        }

        IdPayload? idr = response.GetAll<IdPayload>().FirstOrDefault(id => !id.IsInitiator);
        AuthPayload? auth = response.Get<AuthPayload>();
        bool eapOnly = idr is not null && AcceptsEapOnly(auth);
        if (idr is null || (auth is null && !eapOnly))
        {
            Explain(idr is null ? AuthFailure.MissingIdentity : AuthFailure.MissingAuth, null);
            Sa.Fail(NotifyType.AuthenticationFailed);
            return IkeTaskStatus.Failed;
        }

        var remote = IkeIdentity.From(idr);
        IAuthenticator? verifier = auth is null ? null : Sa.Config.RemoteAuthenticators.FirstOrDefault(a => a.Accepts(auth.Method));
        // RFC 7296 §2.15: the initiator checks the responder's AUTH just as the responder checked its own.
        AuthFailure? failure = !remote.IsWellFormed ? AuthFailure.InvalidIdentity
            : !Sa.Config.RemoteIdentity.IsAny && !Sa.Config.RemoteIdentity.Equals(remote) ? AuthFailure.IdentityNotAllowed
            : eapOnly ? null
            : verifier is null ? AuthFailure.UnsupportedAuthMethod
            : verifier.Verify(Sa, response, Sa.Config.LocalIdentity, remote);
        if (failure is { } why)
        {
            Explain(why, remote);
            Sa.Fail(NotifyType.AuthenticationFailed);
            return IkeTaskStatus.Failed;
        }

        Sa.RemoteIdentity = remote;
        Sa.EapOnly = eapOnly;
        if (_client is not null)
        {
            _serverVerified = true;
            return ProcessEapI(response);
        }

        Sa.State = IkeSaState.Established;
        return IkeTaskStatus.Success;
    }

    /// <summary>A responder's refusal: AUTHENTICATION_FAILED on the wire (RFC 7296 §2.21.2), the reason kept for
    /// the log.</summary>
    private IkeTaskStatus Error(AuthFailure failure, IkeIdentity? remote, IkeIdentity? asked = null)
    {
        Explain(failure, remote, asked);
        _error = NotifyType.AuthenticationFailed;
        return IkeTaskStatus.Failed;
    }

    private void Explain(AuthFailure failure, IkeIdentity? remote, IkeIdentity? asked = null)
    {
        Sa.AuthFailure ??= failure;
        Sa.FailureReason ??= AuthFailureText.Describe(failure, remote, asked);
    }
}
