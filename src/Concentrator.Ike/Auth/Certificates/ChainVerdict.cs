using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>The outcome of a certificate check: <see cref="Failure"/> null when it passed, else the reason and a
/// line for the log naming the certificate at fault (names escaped, see <see cref="DistinguishedName.ToString"/>).</summary>
public sealed record ChainVerdict(AuthFailure? Failure, string Detail)
{
    public static ChainVerdict Ok { get; } = new(null, "ok");

    public bool IsOk => Failure is null && Fetches.Count == 0;

    /// <summary>Not refused, but not judged yet either: revocation information to fetch first (then check again).</summary>
    public IReadOnlyList<RevocationFetch> Fetches { get; init; } = [];

    public bool IsPending => Failure is null && Fetches.Count > 0;
}
