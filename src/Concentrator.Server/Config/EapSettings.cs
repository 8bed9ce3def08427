using Akka.Configuration.Hocon;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Auth.Eap.Tls;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Config;

/// <summary>
/// EAP with local secrets (RFC 7296 §2.16): <c>remote.auth = eap-mschapv2 | eap-md5</c>, <c>remote.eap-id</c>, and the
/// users of a file's top-level <c>eap-secrets { "alice" = "password" }</c> (secrets in strongSwan's notation, decoded
/// as <c>secrets</c> are; global across files like them).
/// </summary>
public static class EapSettings
{
    public const string SecretsKey = "eap-secrets";

    public static bool IsEap(AuthClass auth) => auth is AuthClass.EapMsChapV2 or AuthClass.EapMd5 or AuthClass.EapTls or AuthClass.EapRadius;

    /// <summary>EAP with a method of our own over <c>eap-secrets</c> (not relayed to RADIUS).</summary>
    public static bool IsLocal(AuthClass auth) => auth is AuthClass.EapMsChapV2 or AuthClass.EapMd5;

    internal static Secrets ReadSecrets(HoconValue value, string file)
    {
        var users = ConnectionFileSettings.ReadSecrets(value, file, SecretsKey);
        if (users.Identities.Contains(Secrets.AnyIdentity))
        {
            // One password for every user would let anyone in under any name.
            throw new ConfigException(file, $"{SecretsKey}.\"{Secrets.AnyIdentity}\"", "expected EAP users by name: a %any password is not accepted");
        }

        return users;
    }

    /// <summary>Merges the files' EAP users (one password per user) and refuses an EAP connection with no users at all.</summary>
    public static Secrets CheckAll(IReadOnlyList<ConnectionFileSettings> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var merged = Secrets.Empty;
        var from = new Dictionary<string, string>(Secrets.IdentityComparer);
        foreach (var file in files)
        {
            foreach (var user in file.EapSecrets.Identities)
            {
                if (from.TryGetValue(user, out var other) && !merged.Lookup(user)!.AsSpan().SequenceEqual(file.EapSecrets.Lookup(user)))
                {
                    throw new ConfigException(file.File, $"{SecretsKey}.\"{user}\"", $"expected one password per EAP user, {other} has a different one");
                }

                from[user] = file.File;
            }

            merged = merged.Merge(file.EapSecrets);
        }

        foreach (var c in files.SelectMany(f => f.Connections).Where(c => IsLocal(c.Remote.Auth)))
        {
            if (merged.Identities.Count == 0)
            {
                throw new ConfigException(c.File, c.Name + ".remote.auth",
                    $"expected EAP users in an {SecretsKey} {{ \"user\" = \"password\" }} block: the connection uses auth = {Name(c.Remote.Auth)}");
            }
        }

        return merged;
    }

    /// <summary>Refuses an <c>eap-radius</c> connection when <c>concentrator.radius.servers</c> names no server: its
    /// clients could never be authenticated.</summary>
    public static void CheckRadius(IReadOnlyList<ConnectionFileSettings> files, RadiusSettings radius)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(radius);
        if (radius.IsEnabled)
        {
            return;
        }

        foreach (var c in files.SelectMany(f => f.Connections).Where(c => c.Remote.Auth == AuthClass.EapRadius))
        {
            throw new ConfigException(c.File, c.Name + ".remote.auth",
                "expected RADIUS servers in concentrator.radius.servers for auth = eap-radius (none are configured), or another remote.auth");
        }
    }

    /// <summary>The responder's EAP for <paramref name="connection"/>: a fresh local method per IKE SA over
    /// <paramref name="users"/> (or, for <c>eap-radius</c>, a relay to RADIUS), and the EAP identity rule of
    /// <c>remote.eap-id</c>.</summary>
    public static EapServerConfig ServerConfig(ConnectionSettings connection, Secrets users, EapTlsSettings? tls = null, int msChapV2Retries = 0)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(users);
        // Only the users' own entries count (Lookup would fall back to a "%any" one, which eap-secrets refuses anyway).
        byte[]? Lookup(string user) => users.Identities.Contains(user, Secrets.IdentityComparer) ? users.Lookup(user) : null;
        Func<IEapServer> create = connection.Remote.Auth switch
        {
            AuthClass.EapMd5 => () => new EapMd5Server(Lookup, SystemRandomSource.Instance),
            AuthClass.EapRadius => () => new EapRadiusServer(EapRadiusServer.NextNasPort()),
            AuthClass.EapTls => () => new EapTlsServer(tls ?? throw new ArgumentException("eap-tls needs its certificate settings", nameof(tls))),
            _ => () => new EapMsChapV2Server(Lookup, SystemRandomSource.Instance, msChapV2Retries),
        };
        string eapId = connection.Remote.EapId;
        return new EapServerConfig(create, eapId.Length == 0 ? null : IkeIdentity.Parse(eapId)) { EapOnly = connection.Remote.EapOnly };
    }

    public static string Name(AuthClass auth) => auth switch
    {
        AuthClass.EapMsChapV2 => "eap-mschapv2",
        AuthClass.EapMd5 => "eap-md5",
        AuthClass.EapTls => "eap-tls",
        AuthClass.EapRadius => "eap-radius",
        _ => auth.ToString().ToLowerInvariant(),
    };
}
