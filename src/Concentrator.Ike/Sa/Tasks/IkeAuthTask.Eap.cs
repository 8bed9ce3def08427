using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Sa.Tasks;

// EAP in IKE_AUTH (RFC 7296 §2.16), as strongSwan's ike_auth.c with its eap_authenticator:
//   HDR, SK {IDi, [IDr,] SAi2, TSi, TSr}              -->
//                                                     <--  HDR, SK {IDr, [CERT,] AUTH, EAP}
//   HDR, SK {EAP}                                     -->
//                                                     <--  HDR, SK {EAP (Request or Success)}   (repeated)
//   HDR, SK {AUTH}                                    -->
//                                                     <--  HDR, SK {AUTH, SAr2, TSi, TSr}
// With EAP-only authentication (RFC 5998 §3) the initiator adds N(EAP_ONLY_AUTHENTICATION) to its first request and
// the responder, when its connection allows it and the method is mutual (§4), leaves CERT and AUTH out of its first
// response: IDr and the EAP request only.
// The task lives for the whole conversation (the task manager keeps it from round to round); the CHILD SA and
// configuration tasks see the first request and build into the last response.
public sealed partial class IkeAuthTask
{
    private EapServerAuthenticator? _eap;
    private IkeIdentity? _eapPeer;
    private bool _initialContact;
    private bool _firstEapRound = true;
    private bool _eapOnly;

    private IEapClient? _client;
    private string _clientIdentity = "";
    private EapPacket? _clientNext;
    private bool _serverVerified;
    private bool _clientSucceeded;
    private bool _clientSentAuth;
    private bool _clientOfferedEapOnly;

    /// <summary>An EAP conversation is under way: the exchange has more IKE_AUTH rounds (both roles).</summary>
    internal bool MoreRounds => (_eap is not null && !Authenticated) || (_client is not null && Sa.State != IkeSaState.Established);

    /// <summary>Responder: the peer is authenticated (AUTH verified, after EAP when it used EAP).</summary>
    internal bool Authenticated { get; private set; }

    /// <summary>Responder: the EAP backend answers later; the host relays this and resumes with
    /// <see cref="ResumeEap"/>.</summary>
    internal object? PendingRelay { get; private set; }

    /// <summary>Responder: the request's EAP response was discarded (RFC 3748 §4.1); why.</summary>
    internal string? Discarded { get; private set; }

    /// <summary>Responder: the identity of the peer (for the log) while the conversation runs.</summary>
    internal IkeIdentity? EapPeer => _eapPeer;

    private IkeTaskStatus StartEapR(IkeMessage request, IkeIdentity remote)
    {
        if (Sa.Config.RemoteEap is not { } config)
        {
            return Error(AuthFailure.MissingAuth, remote);
        }

        _eapPeer = remote;
        _initialContact = request.GetNotify(NotifyType.InitialContact) is not null;
        Span<byte> first = stackalloc byte[1];
        Sa.Services.Random.Fill(first);
        _eap = new EapServerAuthenticator(config, first[0]);
        if (Sa.Services.Revocation is { } online)
        {
            _eap.UseRevocation(online);
        }

        // RFC 5998 §3: the responder may omit its AUTH only when the initiator offered EAP-only, and (§4) only with a
        // method that authenticates it and derives keys; the connection must allow it (strongSwan: local auth = eap).
        _eapOnly = config.EapOnly && _eap.IsMutual && request.GetNotify(NotifyType.EapOnlyAuthentication) is not null;
        return Verdict(_eap.Start(remote), remote);
    }

    private IkeTaskStatus ProcessEapR(IkeMessage request)
    {
        Discarded = null;
        PendingRelay = null;
        IkeIdentity peer = _eapPeer!;
        if (_eap!.Succeeded)
        {
            // RFC 7296 §2.16: after EAP Success the initiator proves the MSK (or SK_pi) with its AUTH.
            if (request.Get<AuthPayload>() is not { } auth)
            {
                return Error(AuthFailure.MissingAuth, peer);
            }

            byte[] expected = EapAuth(Sa, _eap.Msk, initiatorSide: true, peer);
            if (auth.Method != AuthMethod.SharedKeyMic
                || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, auth.Data.Span))
            {
                Sa.FailureReason ??= $"'{peer}' passed EAP but its AUTH does not prove the EAP key";
                return Error(AuthFailure.WrongCredential, peer);
            }

            // With EAP-Identity the peer is whom EAP authenticated (strongSwan's EAP identity names the lease
            // and uniqueness); otherwise IDi.
            IkeIdentity authenticated = _eap.IdentityAsked && _eap.Identity is { } id ? IkeIdentity.Parse(id) : peer;
            if (Sa.Services.IdentityGate is { } gate && !gate.TryAdmit(authenticated, Sa.LeaseOwner))
            {
                return Error(AuthFailure.IdentityAlreadyUp, authenticated);
            }

            Sa.RemoteIdentity = authenticated;
            Sa.InitialContactReceived = _initialContact;
            if (_eap.Step is EapStep.Success { } granted)
            {
                Sa.EapAssignedAddresses = granted.Addresses;
                Sa.EapBackend = granted.Backend;
            }

            Authenticated = true;
            return IkeTaskStatus.NeedMore;
        }

        if (request.Get<EapPayload>() is not { } eap)
        {
            Discarded = "IKE_AUTH without an EAP payload while EAP is under way";
            return IkeTaskStatus.NeedMore;
        }

        return Verdict(_eap.Process(eap.Message), peer);
    }

    /// <summary>The backend's late answer (<see cref="EapStep.Pending"/>): the round goes on as if it had answered at once.</summary>
    internal IkeTaskStatus ResumeEap(EapStep step)
    {
        PendingRelay = null;
        return Verdict(_eap!.Resume(step), _eapPeer!);
    }

    /// <summary>The revocation information an EAP-TLS round waited for is in the cache: the method goes on.</summary>
    internal IkeTaskStatus ResumeEapRevocation()
    {
        PendingRelay = null;
        return Verdict(_eap!.RevocationFetched(), _eapPeer!);
    }

    private IkeTaskStatus Verdict(EapVerdict verdict, IkeIdentity peer)
    {
        switch (verdict)
        {
            case EapVerdict.Discard:
                Discarded = _eap!.DiscardReason;
                return IkeTaskStatus.NeedMore;
            case EapVerdict.Pending:
                PendingRelay = ((EapStep.Pending)_eap!.Step!).Relay;
                return IkeTaskStatus.NeedMore;
        }

        if (_eap!.Step is EapStep.Failure failure)
        {
            // The answer is EAP-Failure (BuildEapR), not the AUTHENTICATION_FAILED notify of Error(): see there.
            Sa.FailureReason ??= $"EAP for '{peer}' failed: {failure.Reason}";
            Explain(AuthFailure.EapFailed, peer);
            return IkeTaskStatus.Failed;
        }

        return IkeTaskStatus.NeedMore;
    }

    private IkeTaskStatus BuildEapR(IkeMessage response)
    {
        if (Authenticated)
        {
            // RFC 7296 §2.16: the responder's last AUTH also uses the EAP key, over its own signed octets.
            response.Payloads.Add(new AuthPayload(AuthMethod.SharedKeyMic, EapAuth(Sa, _eap!.Msk, initiatorSide: false, Sa.Config.LocalIdentity)));
            Sa.State = IkeSaState.Established;
            return IkeTaskStatus.Success;
        }

        if (_firstEapRound)
        {
            // The gateway authenticates itself in the first response, before the client reveals anything (RFC 7296
            // §2.16: "the responder ... MUST include its AUTH payload" with the EAP request).
            _firstEapRound = false;
            IkeIdentity local = Sa.Config.LocalIdentity;
            response.Payloads.Add(local.ToPayload(initiator: false));
            if (_eapOnly)
            {
                // RFC 5998 §3: IDr and EAP, no CERT and no AUTH; the EAP method proves who we are.
                Sa.EapOnly = true;
            }
            else if (!Sa.Config.LocalAuthenticator.Build(Sa, response, local, _eapPeer!))
            {
                Explain(AuthFailure.NoLocalCredential, _eapPeer);
                Sa.Fail(NotifyType.AuthenticationFailed);
                return ErrorResponse(response, NotifyType.AuthenticationFailed);
            }
        }

        byte[] eap = _eap!.Step switch
        {
            EapStep.Request request => request.Message,
            EapStep.Success or EapStep.Failure => _eap.Outcome(),
            var other => throw new InvalidOperationException($"no EAP answer to build from {other}"),
        };
        response.Payloads.Add(new EapPayload(eap));
        if (_eap.Step is EapStep.Failure)
        {
            // RFC 3748 §4.2: an authenticator that cannot authenticate the peer "MUST transmit an EAP packet with
            // the Code field set to 4" (Failure); RFC 7296 §2.16 carries it in the IKE_AUTH response like every EAP
            // packet. No N(AUTHENTICATION_FAILED) beside it: §2.21.2 describes that notify as "usually the only
            // payload" of a refusal, which an EAP-Failure already is, and strongSwan's responder leaves it out
            // ("skip AUTHENTICATION_FAILED if we have EAP_FAILURE", ike_auth.c build_r), which is what the Windows,
            // macOS/iOS and Android clients meet in the field; they end the attempt on the EAP-Failure. In the first
            // round (the backend refused the IDi at once) IDr and AUTH come before it, as strongSwan sends them, so
            // the peer can check who refused it.
            Sa.Fail(NotifyType.AuthenticationFailed);
            return IkeTaskStatus.Failed;
        }

        return IkeTaskStatus.NeedMore;
    }

    private IkeTaskStatus StartEapI(EapClientConfig eap, IkeMessage request)
    {
        _client = eap.CreateClient();
        _clientIdentity = eap.Identity;
        if (eap.OfferEapOnly)
        {
            // RFC 5998 §3: the initiator announces that it accepts EAP-only authentication.
            request.Payloads.Add(new NotifyPayload(NotifyType.EapOnlyAuthentication));
            _clientOfferedEapOnly = true;
        }

        return IkeTaskStatus.NeedMore;
    }

    /// <summary>Initiator: the responder's first IKE_AUTH response has IDr but no AUTH. RFC 5998 §3: acceptable only
    /// after we offered EAP-only; whether the method was safe is checked when it succeeds.</summary>
    private bool AcceptsEapOnly(AuthPayload? auth) => auth is null && _client is not null && _clientOfferedEapOnly && !_serverVerified;

    private IkeTaskStatus BuildEapI(IkeMessage request)
    {
        if (_clientSucceeded)
        {
            request.Payloads.Add(new AuthPayload(AuthMethod.SharedKeyMic, EapAuth(Sa, _client!.Msk, initiatorSide: true, Sa.Config.LocalIdentity)));
            _clientSentAuth = true;
        }
        else
        {
            request.Payloads.Add(new EapPayload(_clientNext!.Value.Encode()));
        }

        return IkeTaskStatus.NeedMore;
    }

    private IkeTaskStatus ProcessEapI(IkeMessage response)
    {
        if (_clientSentAuth)
        {
            AuthPayload? auth = response.Get<AuthPayload>();
            byte[] expected = EapAuth(Sa, _client!.Msk, initiatorSide: false, Sa.RemoteIdentity!);
            if (auth is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, auth.Data.Span))
            {
                return FailI(auth is null ? AuthFailure.MissingAuth : AuthFailure.WrongCredential, "the responder's last AUTH does not prove the EAP key");
            }

            Sa.State = IkeSaState.Established;
            return IkeTaskStatus.Success;
        }

        if (response.Get<EapPayload>() is not { } payload || !EapPacket.TryParse(payload.Message, out EapPacket packet, out _))
        {
            return FailI(AuthFailure.EapFailed, "no well-formed EAP payload in the responder's answer");
        }

        switch (packet.Code)
        {
            case EapCode.Success when Sa.EapOnly && !_client!.IsMutual:
                // RFC 5998 §4: without the responder's AUTH only a mutual, key-generating method authenticates it.
                return FailI(AuthFailure.MissingAuth, $"the responder left out its AUTH (EAP-only) but EAP type {(byte)_client.Type} does not authenticate it");
            case EapCode.Success:
                _clientSucceeded = true;
                return IkeTaskStatus.NeedMore;
            case EapCode.Request when packet.Type == EapType.Identity:
                // RFC 3748 §5.1: the response carries the identity, without a terminator.
                _clientNext = EapPacket.Response(packet.Identifier, EapType.Identity, System.Text.Encoding.UTF8.GetBytes(_clientIdentity));
                return IkeTaskStatus.NeedMore;
            case EapCode.Request when packet.Type != _client!.Type && packet.Type != EapType.Nak && (byte)packet.Type < 254:
                // RFC 3748 §5.3.1: a peer offered a method it does not use answers Nak with the one it wants (a
                // RADIUS server's default method is often EAP-MD5).
                _clientNext = EapPacket.Response(packet.Identifier, EapType.Nak, new[] { (byte)_client.Type });
                return IkeTaskStatus.NeedMore;
            case EapCode.Request when _client!.Process(packet) is { } answer:
                _clientNext = answer;
                return IkeTaskStatus.NeedMore;
            case EapCode.Failure:
                // RFC 3748 §4.2: the authenticator could not authenticate us (strongSwan's responder sends this
                // instead of N(AUTHENTICATION_FAILED); RFC 7296 §2.16 says no more about it).
                return FailI(AuthFailure.EapFailed, $"the responder answered EAP-Failure (Identifier {packet.Identifier})");
            default:
                return FailI(AuthFailure.EapFailed, $"EAP {packet.Code} type {(byte)packet.Type} not answered");
        }
    }

    private IkeTaskStatus FailI(AuthFailure failure, string why)
    {
        Sa.FailureReason ??= why;
        Explain(failure, Sa.RemoteIdentity);
        Sa.Fail(NotifyType.AuthenticationFailed);
        return IkeTaskStatus.Failed;
    }

    /// <summary>RFC 7296 §2.16: AUTH = prf(prf(MSK, "Key Pad for IKEv2"), &lt;SignedOctets&gt;); a method without an
    /// MSK uses SK_pi for the initiator's AUTH and SK_pr for the responder's.</summary>
    private static byte[] EapAuth(IkeSa sa, byte[]? msk, bool initiatorSide, IkeIdentity id)
    {
        byte[] octets = SignedOctets.Of(sa, initiatorSide, id);
        ReadOnlySpan<byte> key = msk ?? (initiatorSide ? sa.Keymat!.SkPi : sa.Keymat!.SkPr);
        return AuthOctets.SharedKeyAuth(sa.Keymat!.Prf, key, octets);
    }
}
