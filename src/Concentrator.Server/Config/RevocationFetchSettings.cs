namespace Concentrator.Server.Config;

/// <summary><c>concentrator.certificates.revocation</c>: the node's fetcher of CRLs and OCSP answers.</summary>
public sealed record RevocationFetchSettings(TimeSpan FetchTimeout, int CacheSize, TimeSpan FailureLifetime, TimeSpan CrlLifetime, int MaxResponseSize)
{
    public static RevocationFetchSettings Default { get; } = new(TimeSpan.FromSeconds(10), 10000, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), 4 * 1024 * 1024);

    internal static RevocationFetchSettings Read(SettingsReader r)
    {
        const string at = "concentrator.certificates.revocation.";
        return new RevocationFetchSettings(
            ServerSettings.PositiveDuration(r, at + "fetch-timeout"),
            r.Int(at + "cache-size", 1, 10_000_000),
            ServerSettings.PositiveDuration(r, at + "failure-lifetime"),
            ServerSettings.PositiveDuration(r, at + "crl-lifetime"),
            r.Int(at + "max-response-size", 1024, 256 * 1024 * 1024));
    }
}
