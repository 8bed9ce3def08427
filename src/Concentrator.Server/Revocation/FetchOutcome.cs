namespace Concentrator.Server.Revocation;

/// <summary>How a revocation fetch ended, for <c>concentrator.revocation.fetches</c>.</summary>
public enum FetchOutcome
{
    /// <summary>An answer that the cache accepted (a CRL signed by the issuer, an OCSP response that verified).</summary>
    Ok,

    /// <summary>No usable answer: unreachable, refused connection, an HTTP error status.</summary>
    Failed,

    /// <summary>The answer was longer than <c>revocation.max-response-size</c>.</summary>
    TooLarge,

    /// <summary>No complete answer within <c>revocation.fetch-timeout</c>.</summary>
    Timeout,

    /// <summary>An answer that did not verify (not a CRL, a bad signature, an OCSP error status).</summary>
    Refused,
}
