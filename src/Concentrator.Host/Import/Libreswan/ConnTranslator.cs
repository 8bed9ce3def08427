using System.Net;
using System.Text.RegularExpressions;
using Concentrator.Ike;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Import.Libreswan;

/// <summary>
/// One resolved libreswan conn turned into a Concentrator connection, from the gateway's end (<paramref name="local"/>).
/// What cannot be served at all (IKEv1, transport mode, AUTH_NULL, raw RSA keys, no usable proposal) refuses the conn
/// with a <see cref="ConnRefusedException"/>; what is only left out becomes a warning.
/// </summary>
internal sealed partial class ConnTranslator(ResolvedConn conn, string local, List<ImportWarning> warnings)
{
    private readonly string _remote = ConnSides.Other(local);

    /// <summary>Keys this class reads (with the side prefix where the key is per end); the rest are classified by
    /// <see cref="LibreswanKeys"/>.</summary>
    private static readonly HashSet<string> ConnKeys = new(StringComparer.Ordinal)
    {
        "authby", "type", "auto", "ike", "esp", "phase2alg", "phase2", "ikelifetime", "salifetime", "keylife", "lifetime",
        "dpddelay", "dpdtimeout", "ipsec-interface", "interface-ip", "keyexchange", "ikev2", "aggressive", "modecfgdns", "modecfgdns1",
        "modecfgdns2",
    };

    private static readonly HashSet<string> SideKeys = new(StringComparer.Ordinal)
    {
        "", "id", "subnet", "subnets", "addresspool", "cert", "ca", "auth", "autheap", "rsasigkey", "pubkey", "ckaid",
    };

    public ImportedConnection Translate(string name, string? unique, Func<ImportedPool, string> addPool)
    {
        RefuseWhatCannotBeServed();
        WarnAboutOtherKeys();

        var (localAuth, remoteAuth) = Authentication();
        var localEnd = LocalEnd(localAuth);
        var remoteEnd = RemoteEnd(remoteAuth);
        var ikeProposals = Proposals("ike", ProtocolId.Ike);
        var connection = new ImportedConnection(name, localEnd, remoteEnd)
        {
            SourceName = conn.Name,
            IkeProposals = ikeProposals,
            EspProposals = WithRekeyGroups(Proposals(conn.Get("esp") is not null ? "esp" : "phase2alg", ProtocolId.Esp), ikeProposals),
            LocalTs = LocalTs(),
            IpsecInterface = conn.Get("ipsec-interface"),
            InterfaceIp = conn.Get("interface-ip"),
            IkeLifetime = Duration("ikelifetime"),
            ChildLifetime = Duration("salifetime") ?? Duration("keylife") ?? Duration("lifetime"),
            DpdDelay = Duration("dpddelay"),
            DpdTimeout = Duration("dpdtimeout"),
            Unique = unique,
        };

        string? poolText = conn.Get(_remote + "addresspool");
        if (poolText is not null)
        {
            connection = connection with { Pool = addPool(Pool(name, poolText)) };
            if (conn.Get(_remote + "subnet") is not null)
            {
                warnings.Add(conn.Warn(_remote + "subnet", "ignored: clients of a pool are narrowed to their virtual IP"));
            }
        }
        else if (Subnets(_remote) is { Count: > 0 } remoteTs)
        {
            connection = connection with { RemoteTs = remoteTs };
        }
        else if (conn.Get(_remote) is { } peer && IPAddress.TryParse(peer, out var peerAddress))
        {
            // libreswan's default: the peer's own address, host to host.
            connection = connection with { RemoteTs = [HostPrefix(peerAddress)] };
        }

        // right= names the peer: where the gateway initiates to (remote.addrs); %any, %defaultroute … name nobody.
        if (conn.Get(_remote) is { } host && !host.StartsWith('%'))
        {
            connection = connection with { Remote = connection.Remote with { Addrs = [host] } };
        }

        switch (conn.Get("auto"))
        {
            case "start" when connection.Remote.Addrs.Count > 0:
                connection = connection with { StartAction = "start" };
                break;
            case "start":
                warnings.Add(conn.Warn("auto", $"auto=start without a peer address ({_remote}={conn.Get(_remote) ?? "(none)"}): nothing to initiate to; the conn is served as a responder"));
                break;
            case "route" or "ondemand" when connection.Remote.Addrs.Count > 0:
                connection = connection with { StartAction = "trap" };
                break;
            case "route" or "ondemand":
                warnings.Add(conn.Warn("auto", $"auto={conn.Get("auto")} without a peer address ({_remote}={conn.Get(_remote) ?? "(none)"}): nothing to initiate to; the conn is served as a responder"));
                break;
        }

        return connection;
    }

    private void RefuseWhatCannotBeServed()
    {
        if (conn.Get("keyexchange") is "ikev1" || conn.Get("ikev2") is "no" or "never" || conn.Get("aggressive") is "yes")
        {
            string key = conn.Get("keyexchange") is "ikev1" ? "keyexchange" : conn.Get("ikev2") is "no" or "never" ? "ikev2" : "aggressive";
            throw Refuse(key, "an IKEv1 connection: Concentrator speaks IKEv2 only (RFC 7296)");
        }

        if (conn.Get("type") is { } type && type != "tunnel")
        {
            throw Refuse("type", type == "transport"
                ? "transport mode is not supported: Concentrator's CHILD SAs are tunnels into ipsecN"
                : $"type={type} is a kernel policy without IKE, nothing to import");
        }

        if (conn.Get("phase2") is { } phase2 && phase2 != "esp")
        {
            throw Refuse("phase2", $"phase2={phase2}: only ESP is supported");
        }
    }

    private void WarnAboutOtherKeys()
    {
        foreach (var (key, setting) in conn.Settings)
        {
            string bare = key.StartsWith("left", StringComparison.Ordinal) ? key[4..]
                : key.StartsWith("right", StringComparison.Ordinal) ? key[5..] : key;
            bool sided = bare.Length != key.Length;
            if ((sided && SideKeys.Contains(bare)) || (!sided && ConnKeys.Contains(key)) || LibreswanKeys.NoOp.ContainsKey(bare))
            {
                continue;
            }

            warnings.Add(new ImportWarning(setting.File, setting.Line, conn.Name, key, LibreswanKeys.Unsupported.Contains(bare)
                ? $"not supported by Concentrator, ignored ({key}={setting.Value})"
                : $"unknown to the import, ignored ({key}={setting.Value})"));
        }
    }

    private (string Local, string Remote) Authentication()
    {
        string authby = conn.Get("authby") ?? "rsasig";
        string Class(string? sideAuth, string side)
        {
            string text = sideAuth ?? authby;
            if (text.Split(',', '|').Any(a => a.Trim() is "null" or "never"))
            {
                throw Refuse(sideAuth is null ? "authby" : side + "auth", $"'{text}': only pre-shared keys, certificates and EAP are supported");
            }

            if (text == "eaponly" && side == local)
            {
                // The gateway's end of an EAP-only conn (RFC 5998): it proves itself with its certificate (leftcert=).
                return "pubkey";
            }

            if (text == "eaponly")
            {
                return conn.Get(side + "autheap") is "tls"
                    ? "eap-tls"
                    : throw Refuse(side + "autheap", $"EAP method '{conn.Get(side + "autheap") ?? "(none)"}' is not one libreswan and Concentrator share (tls)");
            }

            bool psk = text.Split(',', '|').Any(a => a.Trim() is "secret" or "psk");
            bool pubkey = text.Split(',', '|').Any(a => a.Trim().StartsWith("rsa", StringComparison.Ordinal) || a.Trim().StartsWith("ecdsa", StringComparison.Ordinal) || a.Trim() == "pubkey");
            return psk ? "psk" : pubkey ? "pubkey" : throw Refuse(sideAuth is null ? "authby" : side + "auth", $"unknown authentication '{text}'");
        }

        return (Class(conn.Get(local + "auth"), local), Class(conn.Get(_remote + "auth"), _remote));
    }

    private ImportedEnd LocalEnd(string auth)
    {
        string id = Identity(local, conn.Get(local + "id"), isLocal: true);
        if (auth != "pubkey")
        {
            return new ImportedEnd(id, auth);
        }

        string nickname = conn.Get(local + "cert")
            ?? throw Refuse(local + "rsasigkey", "the gateway authenticates with a raw public key, which Concentrator does not support: give it a certificate (leftcert=)");
        string file = FileName(nickname);
        warnings.Add(conn.Warn(local + "cert", $"libreswan keeps '{nickname}' in its NSS database: export the certificate chain to {file}.pem and its key to {file}.key next to the connection file (certutil -L -n '{nickname}' -a; pk12util -o {file}.p12 -n '{nickname}', then openssl pkcs12 -nocerts -nodes)"));
        return new ImportedEnd(id, auth) { Certs = [file + ".pem"], Key = file + ".key" };
    }

    private ImportedEnd RemoteEnd(string auth)
    {
        string id = Identity(_remote, conn.Get(_remote + "id"), isLocal: false);
        if (auth is not ("pubkey" or "eap-tls"))
        {
            return new ImportedEnd(id, auth);
        }

        if (conn.Get(_remote + "cert") is null && (conn.Get(_remote + "rsasigkey") ?? conn.Get(_remote + "pubkey") ?? conn.Get(_remote + "ckaid")) is not null)
        {
            throw Refuse(_remote + "rsasigkey", "the peer authenticates with a raw public key, which Concentrator does not support: issue it a certificate");
        }

        string ca = conn.Get(_remote + "ca") is { } dn && !dn.StartsWith('%') ? FileName(CommonName(dn)) : "ca";
        warnings.Add(conn.Warn(_remote + "ca", $"libreswan trusts the CAs of its NSS database; Concentrator needs the peers' CA as a file: export it to {ca}.pem next to the connection file"));
        return new ImportedEnd(id, auth) { CaCerts = [ca + ".pem"] };
    }

    /// <summary>An ipsec.conf id in this project's notation: <c>@name</c> is an FQDN written without resolution,
    /// <c>%fromcert</c> the certificate's subject, <c>%any</c> anyone; absent means the end's address.</summary>
    private string Identity(string side, string? id, bool isLocal)
    {
        if (id is null or "%fromcert")
        {
            // Our own id left empty = the certificate's subject DN with certificates, the address otherwise (as libreswan).
            if (isLocal)
            {
                return "";
            }

            return id is null && conn.Get(side) is { } host && IPAddress.TryParse(host, out _) ? host : "%any";
        }

        if (id.StartsWith("@#", StringComparison.Ordinal) || id.StartsWith("@[", StringComparison.Ordinal))
        {
            throw Refuse(side + "id", $"'{id}' is a KEY_ID identity, which Concentrator does not support");
        }

        return id is "%any" or "%any6" ? "%any" : id.TrimStart('@');
    }

    private List<string>? Proposals(string key, ProtocolId protocol)
    {
        if (conn.Get(key) is not { } list)
        {
            return null;
        }

        var problems = new List<string>();
        var proposals = LibreswanAlgorithms.Translate(list, protocol, problems);
        warnings.AddRange(problems.Select(p => conn.Warn(key, p)));
        return proposals.Count > 0 ? proposals : throw Refuse(key, "none of its proposals uses algorithms Concentrator implements");
    }

    /// <summary>
    /// libreswan's pfs=yes, its default: a CHILD SA rekey (CREATE_CHILD_SA) carries a KE payload, of esp='s group or,
    /// when esp= names none, of the IKE SA's group (ipsec.conf(5), pfs). Concentrator's responder takes a rekey's KE only
    /// when the ESP proposal names that group (RFC 7296 §3.3.3: a KE transform is part of the proposal), so the ike=
    /// groups are added to ESP proposals without one. The CHILD SA of IKE_AUTH has no key exchange either way.
    /// pfs=no leaves them out, as libreswan then sends no KE.
    /// </summary>
    private List<string>? WithRekeyGroups(List<string>? esp, List<string>? ike)
    {
        if (esp is null || ike is null || conn.Get("pfs") == "no"
            || esp.Any(p => p.Split('-').Any(ProposalStrings.IsKeyExchange)))
        {
            return esp;
        }

        var groups = ike.SelectMany(p => p.Split('-')).Where(ProposalStrings.IsKeyExchange).Distinct(StringComparer.Ordinal).ToList();
        return groups.Count == 0 ? esp : esp.Select(p => p + "-" + string.Join('-', groups)).ToList();
    }

    private List<string>? LocalTs()
    {
        if (Subnets(local) is { Count: > 0 } subnets)
        {
            return subnets;
        }

        if (conn.Get(local) is { } host && IPAddress.TryParse(host, out var address))
        {
            // libreswan's default: the gateway's own address, host to host.
            return [HostPrefix(address)];
        }

        warnings.Add(conn.Warn(local, $"no {local}subnet and no literal address: clients reach Concentrator's default local-ts (0.0.0.0/0)"));
        return null;
    }

    private List<string>? Subnets(string side)
    {
        string? text = conn.Get(side + "subnets") ?? conn.Get(side + "subnet");
        if (text is null)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var item in text.Trim('{', '}').Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPNetwork.TryParse(item, out var network))
            {
                result.Add(network.ToString());
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                result.Add(HostPrefix(address));
            }
            else
            {
                warnings.Add(conn.Warn(conn.Get(side + "subnets") is not null ? side + "subnets" : side + "subnet", $"'{item}' is not a prefix, left out"));
            }
        }

        return result;
    }

    private ImportedPool Pool(string name, string text)
    {
        var addresses = new List<string>();
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            addresses.AddRange(AddressRanges.ToPrefixes(entry) ?? throw Refuse(_remote + "addresspool", $"'{entry}' is neither a prefix nor a range of addresses"));
        }

        var dns = new List<string>();
        foreach (var key in new[] { "modecfgdns", "modecfgdns1", "modecfgdns2" })
        {
            foreach (var item in (conn.Get(key) ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (IPAddress.TryParse(item, out _))
                {
                    dns.Add(item);
                }
                else
                {
                    warnings.Add(conn.Warn(key, $"'{item}' is not an address, left out"));
                }
            }
        }

        return new ImportedPool(name, addresses, dns);
    }

    /// <summary>A libreswan duration (<c>3600</c>, <c>60s</c>, <c>8h</c>, <c>1d</c>, <c>30m</c>) as a HOCON duration.</summary>
    private string? Duration(string key)
    {
        if (conn.Get(key) is not { } text)
        {
            return null;
        }

        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            warnings.Add(conn.Warn(key, $"'{text}' is not a duration, Concentrator's default kept"));
            return null;
        }

        return match.Groups[1].Value + (match.Groups[2].Value.Length == 0 ? "s" : match.Groups[2].Value);
    }

    private static string HostPrefix(IPAddress address) =>
        new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128).ToString();

    /// <summary>libreswan loads a conn only with both ends' addresses; one without is a base for <c>also=</c>.</summary>
    public static bool IsComplete(ResolvedConn conn) => conn.Get("left") is not null && conn.Get("right") is not null;

    private ConnRefusedException Refuse(string? key, string message) => new(conn.Warn(key, message));

    private static string CommonName(string dn) =>
        dn.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))?[3..] ?? dn;

    private static string FileName(string name) => UnsafeFileChars().Replace(name.Trim(), "_");

    [GeneratedRegex("^([0-9]+)([smhd]?)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeFileChars();
}
