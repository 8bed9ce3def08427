using Concentrator.Ike.Encoding;

namespace Concentrator.Ike.Sa.Authenticators;

/// <summary>
/// One way to prove an identity in IKE_AUTH (strongSwan's <c>authenticator_t</c>): PSK now, certificates and EAP
/// later (EAP will add rounds: IKE_AUTH then loops while the authenticator needs more). <see cref="Build"/>
/// adds our proof to a message, <see cref="Verify"/> checks the peer's.
/// </summary>
public interface IAuthenticator
{
    /// <summary>The AUTH method this authenticator builds and verifies (RFC 7296 §3.8); the IKE_AUTH task picks
    /// the verifier by the method of the peer's AUTH payload.</summary>
    AuthMethod Method { get; }

    /// <summary>Appends our proof to <paramref name="message"/> (AUTH; a certificate authenticator also CERT).
    /// False when we cannot authenticate, e.g. no secret for this pair of identities.</summary>
    bool Build(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote);

    /// <summary>Null when <paramref name="message"/> proves <paramref name="remote"/>, else why not (for the log).</summary>
    AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote);

    /// <summary><see cref="Verify(IkeSa, IkeMessage, IkeIdentity, IkeIdentity)"/>, which may also answer "not yet":
    /// <paramref name="pending"/> is what the host must do first (fetch revocation information), when
    /// <paramref name="mayWait"/>; the task verifies again once it is done.</summary>
    AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote, bool mayWait, out object? pending)
    {
        pending = null;
        return Verify(sa, message, local, remote);
    }

    /// <summary>Whether there is anything to verify <paramref name="remote"/> with (a PSK for the pair): a connection
    /// without one is not chosen for the peer (strongSwan's peer-config lookup skips it the same way).</summary>
    bool HasCredential(IkeIdentity local, IkeIdentity remote) => true;

    /// <summary>Whether this authenticator verifies AUTH payloads of <paramref name="method"/> (a certificate
    /// authenticator verifies several: 1, 9, 10, 11 and 14).</summary>
    bool Accepts(AuthMethod method) => method == Method;

    /// <summary>Null when the connection could verify the peer of <paramref name="request"/>, else why not: by
    /// default <see cref="HasCredential"/>; a certificate authenticator also asks whether its CAs may anchor the
    /// certificates sent (strongSwan's peer-config lookup by the CA of the peer).</summary>
    AuthFailure? Fit(IkeMessage? request, IkeIdentity local, IkeIdentity remote) =>
        HasCredential(local, remote) ? null : AuthFailure.UnknownIdentity;
}

/// <summary>The octets each side's AUTH covers (RFC 7296 §2.15).</summary>
internal static class SignedOctets
{
    /// <summary>The initiator signs its IKE_SA_INIT request, Nr and prf(SK_pi, IDi'); the responder its
    /// response, Ni and prf(SK_pr, IDr').</summary>
    public static byte[] Of(IkeSa sa, bool initiatorSide, IkeIdentity id) => initiatorSide
        ? sa.Keymat!.SignedOctets(true, sa.InitRequest, sa.NonceR.Span, id.PayloadBody())
        : sa.Keymat!.SignedOctets(false, sa.InitResponse, sa.NonceI.Span, id.PayloadBody());
}
