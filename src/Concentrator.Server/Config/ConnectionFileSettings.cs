using System.Text.RegularExpressions;
using Akka.Configuration.Hocon;
using Concentrator.Ike;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Config;

/// <summary>
/// One connection file, typed: every top-level object is a connection except <c>secrets</c> and <c>pools</c>
/// (named address pools, see <see cref="PoolSettings"/>). Keys a
/// connection leaves out come from <c>concentrator.connection-defaults</c>; keys nobody knows are refused
/// (a misspelt "pool" would otherwise leave clients without addresses and the operator without a clue).
/// </summary>
public sealed partial record ConnectionFileSettings(string File, IReadOnlyList<ConnectionSettings> Connections, Secrets Secrets)
{
    public const string SecretsKey = "secrets";

    /// <summary>The named pools this file declares (bound to connections across files by <see cref="PoolCatalog.Resolve"/>).</summary>
    public IReadOnlyList<PoolSettings> Pools { get; init; } = [];
    /// <summary>The file's <c>eap-secrets { "user" = "password" }</c> (see <see cref="EapSettings"/>).</summary>
    public Secrets EapSecrets { get; init; } = Secrets.Empty;

    private const string DefaultsPath = "concentrator.connection-defaults";

    /// <summary>Reads a parsed connection file. <paramref name="serverConfig"/> is the operator's main
    /// configuration (its <c>concentrator.connection-defaults</c> override the reference ones); null = reference only.</summary>
    public static ConnectionFileSettings From(HoconConfig file, string fileName, HoconConfig? serverConfig = null)
    {
        var merged = serverConfig is null ? ServerSettings.Reference : serverConfig.WithFallback(ServerSettings.Reference);
        var defaults = merged.GetConfig(DefaultsPath);
        var root = file.Root;
        if (root is null || !root.IsObject())
        {
            throw new ConfigException(fileName, null, "expected connections as top-level objects, e.g. road-warrior { … }");
        }

        var connections = new List<ConnectionSettings>();
        var secrets = Secrets.Empty;
        IReadOnlyList<PoolSettings> pools = [];
        var eapSecrets = Secrets.Empty;
        // In the order the operator wrote them (HOCON keeps its objects' keys in insertion order): it is the order of
        // the connections IKE_SA_INIT tries and IKE_AUTH breaks ties by.
        foreach (var (name, value) in root.GetObject().Items)
        {
            if (name == SecretsKey)
            {
                secrets = ReadSecrets(value, fileName);
                continue;
            }

            if (name == PoolSettings.BlockKey)
            {
                pools = PoolSettings.ReadBlock(file, value, fileName);
                continue;
            }

            if (name == EapSettings.SecretsKey)
            {
                eapSecrets = EapSettings.ReadSecrets(value, fileName);
                continue;
            }

            if (!NamePattern().IsMatch(name))
            {
                throw new ConfigException(fileName, name, "expected a connection name of letters, digits, '-' and '_'");
            }

            if (!value.IsObject())
            {
                throw new ConfigException(fileName, name, "expected a connection object { … }");
            }

            CheckKnownKeys(value.GetObject(), defaults.Root.GetObject(), name, fileName);
            var section = file.GetConfig(name).WithFallback(defaults);
            connections.Add(ReadConnection(new SettingsReader(section, fileName), name, fileName));
        }

        ConnectionSettings.CheckTogether(connections);
        return new ConnectionFileSettings(fileName, connections, secrets) { Pools = pools, EapSecrets = eapSecrets };
    }

    /// <summary>
    /// Checks the files of the config folder together and merges their secrets (secrets are global, as in
    /// strongSwan: a file may hold only secrets). Refuses an identity with two different secrets in two files, and
    /// a PSK connection whose remote identity has no secret (nor a "%any" one) anywhere, and one for any identity
    /// (a pattern) when there is no secret at all.
    /// </summary>
    public static Secrets CheckAll(IReadOnlyList<ConnectionFileSettings> files)
    {
        ConnectionSettings.CheckTogether(files.SelectMany(f => f.Connections).ToList());
        var merged = Secrets.Empty;
        var from = new Dictionary<string, string>(Secrets.IdentityComparer);
        foreach (var file in files)
        {
            foreach (var id in file.Secrets.Identities)
            {
                var secret = file.Secrets.Lookup(id)!;
                if (from.TryGetValue(id, out var other) && !merged.Lookup(id)!.AsSpan().SequenceEqual(secret))
                {
                    throw new ConfigException(file.File, $"{SecretsKey}.\"{id}\"", $"expected one secret per identity, {other} has a different one");
                }

                from[id] = file.File;
            }

            merged = merged.Merge(file.Secrets);
        }

        foreach (var c in files.SelectMany(f => f.Connections).Where(c => c.Local.Auth == AuthClass.Psk || c.Remote.Auth == AuthClass.Psk))
        {
            // A connection for many identities ("%any", "*@example.net") finds each peer's secret by the identity the
            // peer presents, so any secret will do here; one for a single identity needs that one's (or "%any").
            bool pattern = c.Remote.Id == Secrets.AnyIdentity || c.Remote.Id.Contains('*', StringComparison.Ordinal);
            if (pattern ? merged.Identities.Count == 0 : merged.Lookup(c.Remote.Id) is null)
            {
                throw new ConfigException(c.File, c.Name + ".remote.id", pattern
                    ? $"expected pre-shared keys for the identities '{c.Remote.Id}' stands for (or \"%any\") in a secrets {{ … }} block: the connection uses auth = psk"
                    : $"expected a pre-shared key for '{c.Remote.Id}' (or \"%any\") in a secrets {{ … }} block: the connection uses auth = psk");
            }
        }

        return merged;
    }

    private static ConnectionSettings ReadConnection(SettingsReader r, string name, string file)
    {
        // Keys are read relative to the connection, errors name them with the connection in front.
        var rn = new PrefixedReader(r, name);
        var local = new EndpointSettings(rn.String("local.id"), Auth(rn, "local.auth"));
        if (local.Id == Secrets.AnyIdentity)
        {
            throw rn.Error("local.id", "expected our own identity (an address, an FQDN or user@domain), got '%any'");
        }

        var remote = new EndpointSettings(rn.String("remote.id"), Auth(rn, "remote.auth"))
        {
            EapId = rn.String("remote.eap-id"),
            EapOnly = EapOnly(rn, "remote.eap-only"),
        };
        var initiator = InitiatorSettings.Read(rn, rn.StringList("remote.addrs"));
        if (initiator.Initiates && local.Auth is not (AuthClass.Psk or AuthClass.Pubkey))
        {
            throw rn.Error("local.auth", "expected psk or pubkey: the gateway authenticates itself with it when it initiates");
        }
        if (remote.Id.Length == 0)
        {
            throw rn.Error("remote.id", "expected the identity peers must present, or \"%any\"");
        }

        foreach (var (key, id) in new[] { ("local.id", local.Id), ("remote.id", remote.Id) })
        {
            if (IkeIdentity.IsKeyIdSyntax(id) && !IkeIdentity.TryParseKeyId(id, out _))
            {
                throw rn.Error(key, $"expected a key id as \"@#\" and an even number of hex digits (ID_KEY_ID), got '{id}'");
            }
        }

        if (remote.EapOnly && remote.Auth != AuthClass.EapTls)
        {
            // RFC 5998 §4: only methods with mutual authentication and keys (and resistance to dictionary attacks)
            // may replace the gateway's AUTH; of ours that is EAP-TLS. With eap-radius the server picks the method
            // after the gateway's first answer, too late to know.
            throw rn.Error("remote.eap-only", $"expected no with remote.auth = {EapSettings.Name(remote.Auth)}: EAP-only authentication (RFC 5998) needs a mutual method, remote.auth = eap-tls");
        }

        var ike = Proposals(rn, "ike-proposals", ProtocolId.Ike);
        var esp = Proposals(rn, "esp-proposals", ProtocolId.Esp);
        var prefix = "an IPv4 or IPv6 prefix like 10.99.0.0/24";
        var localTs = rn.PrefixList("local-ts", prefix);
        if (localTs.Count == 0)
        {
            throw rn.Error("local-ts", "expected at least one prefix clients reach, e.g. [ \"0.0.0.0/0\" ]");
        }

        var remoteTs = rn.PrefixList("remote-ts", prefix);
        if (remoteTs.Count == 0)
        {
            throw rn.Error("remote-ts", "expected at least one prefix of the peer's side, e.g. [ \"0.0.0.0/0\" ]");
        }

        var (pools, poolRefs) = PoolCatalog.ReadReferences(rn);

        var dns = rn.AddressList("dns", "an IPv4 or IPv6 address like 198.51.100.53");
        var ifText = rn.String("ipsec-interface");
        if (!IpsecInterfaceSetting.TryParse(ifText, out var ipsecInterface, out _))
        {
            throw rn.Error("ipsec-interface", $"expected no, yes or a number 0..4294967295 (N means ipsecN), got '{ifText}'");
        }

        var interfaceIp = InterfaceIp(rn, ipsecInterface);
        var dpd = new DpdSettings(rn.Duration("dpd.delay"), rn.Duration("dpd.timeout"));
        if (dpd.Delay > TimeSpan.Zero && dpd.Timeout <= TimeSpan.Zero)
        {
            throw rn.Error("dpd.timeout", "expected a duration greater than zero while dpd.delay is set");
        }

        var lifetimes = new LifetimeSettings(rn.PositiveDuration("lifetimes.ike"), rn.PositiveDuration("lifetimes.child"));
        var uniqueText = rn.String("unique");
        var unique = uniqueText.ToLowerInvariant() switch
        {
            "replace" => UniquePolicy.Replace,
            "keep" => UniquePolicy.Keep,
            "never" => UniquePolicy.Never,
            _ => throw rn.Error("unique", $"expected replace, keep or never, got '{uniqueText}'"),
        };
        return new ConnectionSettings(name, file, local, remote, ike, esp, localTs, pools, dns, ipsecInterface, dpd, lifetimes)
        {
            Unique = unique,
            RemoteTs = remoteTs,
            PoolRefs = poolRefs,
            Initiator = initiator,
            Routes = rn.PrefixList("routes", prefix),
            InterfaceIp = interfaceIp,
            Certificates = CertificateSettings.Read(rn, file, local, remote),
            MaxChildSas = rn.Int("max-child-sas", 1, 1024),
        };
    }

    private static InterfaceAddress? InterfaceIp(PrefixedReader r, IpsecInterfaceSetting ipsecInterface)
    {
        var text = r.String("interface-ip").Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (!InterfaceAddress.TryParse(text, out var parsed, out var problem))
        {
            throw r.Error("interface-ip", $"expected {problem}, got '{text}'");
        }

        if (!ipsecInterface.IsEnabled)
        {
            throw r.Error("interface-ip", $"expected \"\" with ipsec-interface = no: '{text}' needs an ipsecN to go on (set ipsec-interface = yes or a number)");
        }

        return parsed;
    }

    private static bool EapOnly(PrefixedReader r, string key)
    {
        var text = r.String(key);
        return text.ToLowerInvariant() switch
        {
            "yes" or "true" => true,
            "no" or "false" => false,
            _ => throw r.Error(key, $"expected yes or no, got '{text}'"),
        };
    }

    private static AuthClass Auth(PrefixedReader r, string key)
    {
        var text = r.String(key);
        return text.ToLowerInvariant() switch
        {
            "psk" => AuthClass.Psk,
            "pubkey" => AuthClass.Pubkey,
            "eap-mschapv2" => AuthClass.EapMsChapV2,
            "eap-md5" => AuthClass.EapMd5,
            "eap-tls" => AuthClass.EapTls,
            "eap-radius" => AuthClass.EapRadius,
            _ => throw r.Error(key, $"expected psk, pubkey, eap-mschapv2, eap-md5, eap-tls or eap-radius, got '{text}'"),
        };
    }

    private static IReadOnlyList<string> Proposals(PrefixedReader r, string key, ProtocolId protocol)
    {
        var list = r.StringList(key);
        if (list.Count == 0)
        {
            throw r.Error(key, "expected at least one proposal, e.g. [ \"aes256gcm16-prfsha256-x25519\" ]");
        }

        for (var i = 0; i < list.Count; i++)
        {
            try
            {
                ProposalStrings.ParseOne(protocol, list[i]);
            }
            catch (FormatException e)
            {
                throw r.Error($"{key}[{i}]", $"expected a proposal like {(protocol == ProtocolId.Ike ? "aes256gcm16-prfsha256-x25519" : "aes256gcm16")}, got '{list[i]}': {e.Message}");
            }
        }

        return list;
    }

    internal static Secrets ReadSecrets(HoconValue value, string file, string block = SecretsKey)
    {
        if (!value.IsObject())
        {
            throw new ConfigException(file, block, "expected an object { \"identity\" = \"secret\" }");
        }

        var result = new Dictionary<string, byte[]>(Secrets.IdentityComparer);
        foreach (var (id, secret) in value.GetObject().Items)
        {
            var key = $"{block}.\"{id}\"";
            if (!secret.IsString())
            {
                throw new ConfigException(file, key, "expected the secret as a string (quote identities with dots: \"gw.example.net\" = \"…\")");
            }

            if (result.ContainsKey(id))
            {
                throw new ConfigException(file, key, "expected one secret per identity: identities compare without case, and another spelling of this one has a secret already");
            }

            result[id] = Secrets.Decode(secret.GetString(), out var problem) ?? throw new ConfigException(file, key, problem!);
        }

        return new Secrets(result);
    }

    private static void CheckKnownKeys(HoconObject given, HoconObject known, string path, string file)
    {
        foreach (var (key, value) in given.Items)
        {
            var full = $"{path}.{key}";
            if (!known.Items.TryGetValue(key, out var reference))
            {
                throw new ConfigException(file, full, $"unknown key; expected one of {string.Join(", ", known.Items.Keys.Order(StringComparer.Ordinal))}");
            }

            if (reference.IsObject())
            {
                if (!value.IsObject())
                {
                    throw new ConfigException(file, full, $"expected an object {{ {string.Join(", ", reference.GetObject().Items.Keys)} }}");
                }

                CheckKnownKeys(value.GetObject(), reference.GetObject(), full, file);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();
}
