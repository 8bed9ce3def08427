using Concentrator.Ike.Auth.Eap.Tls;
using Concentrator.Ike.Crypto.Tls;

namespace Concentrator.Server.Config;

/// <summary><c>concentrator.ike.eap-tls</c>: how the gateway runs EAP-TLS (RFC 5216) for <c>remote.auth = eap-tls</c>
/// connections: fragment size, the largest TLS message accepted from a peer, and the TLS versions spoken.</summary>
public sealed record EapTlsServerSettings(int FragmentSize, int MaxMessageSize, TlsVersion MinVersion, TlsVersion MaxVersion)
{
    public static EapTlsServerSettings Default { get; } =
        new(EapTlsSettings.DefaultFragmentSize, EapTlsSettings.DefaultMaxMessageSize, TlsVersion.Tls12, TlsVersion.Tls13);

    internal static EapTlsServerSettings Read(SettingsReader r)
    {
        const string key = "concentrator.ike.eap-tls.";
        TlsVersion min = Version(r, key + "version-min");
        TlsVersion max = Version(r, key + "version-max");
        if (min > max)
        {
            throw r.Error(key + "version-max", $"expected a version at least version-min ({Name(min)}), got {Name(max)}");
        }

        // The fragment must fit an IKE message (RFC 7383 fragments IKE, but EAP-TLS fragments are what keeps each
        // IKE_AUTH request small); 64 KiB bounds a TLS flight far above any certificate chain we accept.
        return new EapTlsServerSettings(r.Int(key + "fragment-size", 64, 16384), r.Int(key + "max-message-size", 4096, 1 << 20), min, max);
    }

    private static TlsVersion Version(SettingsReader r, string key) => r.String(key) switch
    {
        "1.2" => TlsVersion.Tls12,
        "1.3" => TlsVersion.Tls13,
        var other => throw r.Error(key, $"expected \"1.2\" or \"1.3\", got '{other}'"),
    };

    public static string Name(TlsVersion version) => version == TlsVersion.Tls13 ? "1.3" : "1.2";
}
