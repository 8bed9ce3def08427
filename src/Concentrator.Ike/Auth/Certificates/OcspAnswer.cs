namespace Concentrator.Ike.Auth.Certificates;

/// <summary>What an OCSP responder said about one certificate (RFC 6960 §2.2), after its signature, its responder's
/// authority and its times were checked.</summary>
public enum OcspStatus
{
    /// <summary>RFC 6960 §2.2 "good": not revoked (as far as the responder knows).</summary>
    Good,

    /// <summary>RFC 6960 §2.2 "revoked".</summary>
    Revoked,

    /// <summary>RFC 6960 §2.2 "unknown": the responder does not know the certificate.</summary>
    Unknown,

    /// <summary>The response does not count: malformed, not successful, badly signed, by an unauthorised responder,
    /// about another certificate, or out of date (<see cref="OcspAnswer.Detail"/> says which).</summary>
    Invalid,
}

/// <summary>A verified OCSP answer about one certificate; <see cref="NextUpdate"/> bounds how long it is reused.</summary>
public sealed record OcspAnswer(OcspStatus Status, string Detail, DateTimeOffset? ThisUpdate = null, DateTimeOffset? NextUpdate = null)
{
    public static OcspAnswer Invalid(string detail) => new(OcspStatus.Invalid, detail);
}
