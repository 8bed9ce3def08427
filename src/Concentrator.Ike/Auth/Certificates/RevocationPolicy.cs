namespace Concentrator.Ike.Auth.Certificates;

/// <summary>When a peer's certificate is refused for want of revocation information (strongSwan's
/// <c>revocation = strict|ifuri|relaxed</c> of a connection's remote side, checked as its auth_cfg complies()).</summary>
public enum RevocationPolicy
{
    /// <summary>Refused only when known to be revoked (strongSwan's default).</summary>
    Relaxed,

    /// <summary>Also refused when the certificate names a CRL or OCSP URI (or one is configured for its CA) and no
    /// current status could be had from it (fetch failed, stale CRL, OCSP "unknown").</summary>
    IfUri,

    /// <summary>Refused unless its status is known to be good (a current CRL or OCSP response says so).</summary>
    Strict,
}
