namespace Concentrator.Ike.Sa;

/// <summary>Why IKE_AUTH did not authenticate the peer: all answered AUTHENTICATION_FAILED (a failed EAP conversation:
/// EAP-Failure) on the wire, which tells the peer nothing; kept on <see cref="IkeSa.AuthFailure"/> so the operator's
/// log can say which.</summary>
public enum AuthFailure
{
    /// <summary>No IDi (or, on the initiator, no IDr) in the message.</summary>
    MissingIdentity,

    /// <summary>No AUTH payload: an initiator asking for EAP, which no connection offers yet.</summary>
    MissingAuth,

    /// <summary>An FQDN or RFC 822 identity with control characters, spaces or non-ASCII octets (RFC 7296 §3.5).</summary>
    InvalidIdentity,

    /// <summary>The peer's identity is not the one the connection accepts.</summary>
    IdentityNotAllowed,

    /// <summary>The IDr the initiator asked for is not our identity.</summary>
    ResponderIdentityMismatch,

    /// <summary>The AUTH method is not one the connection verifies.</summary>
    UnsupportedAuthMethod,

    /// <summary>No credential (no pre-shared key) for the peer's identity, not even a %any one.</summary>
    UnknownIdentity,

    /// <summary>The AUTH payload does not verify: with PSK, the peer used another secret.</summary>
    WrongCredential,

    /// <summary>We have no credential to prove our own identity to this peer.</summary>
    NoLocalCredential,

    /// <summary>The identity already has an IKE SA and the connection keeps the first one (unique = keep).</summary>
    IdentityAlreadyUp,

    /// <summary>The connection that would fit the peer does not accept the IKE proposal IKE_SA_INIT negotiated
    /// (chosen from another connection's proposals).</summary>
    IkeProposalNotAllowed,

    /// <summary>The EAP conversation failed (wrong password, unknown user, refused method, backend said no).</summary>
    EapFailed,

    /// <summary>The EAP conversation did not finish within concentrator.ike.eap-timeout.</summary>
    EapTimedOut,

    /// <summary>A signature AUTH without the peer's certificate (no CERT payload of encoding 4).</summary>
    CertificateMissing,

    /// <summary>A CERT payload that is no DER X.509 certificate, or one with a key we cannot use.</summary>
    CertificateMalformed,

    /// <summary>A certificate of the chain is past its notAfter.</summary>
    CertificateExpired,

    /// <summary>A certificate of the chain is before its notBefore.</summary>
    CertificateNotYetValid,

    /// <summary>No chain to one of the connection's CAs (unknown CA, missing intermediate, bad signature).</summary>
    CertificateUntrusted,

    /// <summary>A certificate of the chain is on its CA's CRL.</summary>
    CertificateRevoked,

    /// <summary>The CRL for a certificate of the chain is past its nextUpdate: revocation unknown, refused.</summary>
    CertificateRevocationUnknown,

    /// <summary>An issuer without the CA flag (basic constraints) or beyond its path length.</summary>
    CertificateNotCa,

    /// <summary>Key usage: no digitalSignature on the end entity, no keyCertSign on a CA.</summary>
    CertificateKeyUsage,

    /// <summary>The end entity lacks the extended key usage the connection requires.</summary>
    CertificateExtendedKeyUsage,

    /// <summary>A critical extension this implementation does not know (RFC 5280 §4.2 MUST reject).</summary>
    CertificateCriticalExtension,

    /// <summary>More certificates than the configured maximum chain length.</summary>
    CertificateChainTooLong,

    /// <summary>The peer's identity is neither the certificate's subject DN nor one of its subjectAltNames.</summary>
    CertificateIdentityNotBound,

    /// <summary>The AUTH signature does not verify with the certificate's key (or uses a scheme we refuse).</summary>
    SignatureInvalid,
}

/// <summary>Log text for an <see cref="AuthFailure"/>: names the identities (escaped), never a secret.</summary>
public static class AuthFailureText
{
    public static string Describe(AuthFailure failure, IkeIdentity? remote, IkeIdentity? asked = null) => failure switch
    {
        AuthFailure.MissingIdentity => "no identity payload",
        AuthFailure.MissingAuth => $"no AUTH payload from '{remote}' and no EAP for it",
        AuthFailure.InvalidIdentity => $"identity '{remote}' has control characters, spaces or non-ASCII octets",
        AuthFailure.IdentityNotAllowed => $"identity '{remote}' is not one a connection accepts",
        AuthFailure.ResponderIdentityMismatch => $"'{remote}' asked for gateway identity '{asked}', which is not ours",
        AuthFailure.UnsupportedAuthMethod => $"'{remote}' used an AUTH method this connection does not verify",
        AuthFailure.UnknownIdentity => $"no pre-shared key for '{remote}'",
        AuthFailure.WrongCredential => $"'{remote}' proved another pre-shared key (AUTH does not verify)",
        AuthFailure.NoLocalCredential => $"no pre-shared key of ours towards '{remote}'",
        AuthFailure.IdentityAlreadyUp => $"'{remote}' already has an IKE SA and the connection keeps it (unique = keep)",
        AuthFailure.IkeProposalNotAllowed => $"the connection for '{remote}' does not accept the IKE proposal IKE_SA_INIT negotiated",
        AuthFailure.EapFailed => $"EAP authentication of '{remote}' failed",
        AuthFailure.EapTimedOut => $"the EAP conversation with '{remote}' did not finish in time",
        AuthFailure.CertificateMissing => $"'{remote}' signed without sending its certificate",
        AuthFailure.CertificateMalformed => $"the certificate of '{remote}' is malformed or has a key we do not use",
        AuthFailure.CertificateExpired => $"the certificate chain of '{remote}' has an expired certificate",
        AuthFailure.CertificateNotYetValid => $"the certificate chain of '{remote}' has a certificate not valid yet",
        AuthFailure.CertificateUntrusted => $"the certificate of '{remote}' does not chain to a CA of the connection",
        AuthFailure.CertificateRevoked => $"the certificate chain of '{remote}' has a revoked certificate",
        AuthFailure.CertificateRevocationUnknown => $"the revocation status of the certificate of '{remote}' is not known",
        AuthFailure.CertificateNotCa => $"the certificate chain of '{remote}' has an issuer that is not a CA",
        AuthFailure.CertificateKeyUsage => $"the certificate chain of '{remote}' has a certificate without the key usage it needs",
        AuthFailure.CertificateExtendedKeyUsage => $"the certificate of '{remote}' lacks the extended key usage the connection requires",
        AuthFailure.CertificateCriticalExtension => $"the certificate chain of '{remote}' has an unknown critical extension",
        AuthFailure.CertificateChainTooLong => $"the certificate chain of '{remote}' is longer than the configured maximum",
        AuthFailure.CertificateIdentityNotBound => $"identity '{remote}' is not the subject or a subjectAltName of its certificate",
        AuthFailure.SignatureInvalid => $"the AUTH signature of '{remote}' does not verify with its certificate",
        _ => failure.ToString(),
    };
}
