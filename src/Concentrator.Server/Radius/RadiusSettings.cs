using System.Net;
using Akka.Configuration.Hocon;
using Concentrator.Server.Config;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Radius;

/// <summary>One RADIUS server of <c>concentrator.radius.servers</c>: where authentication (<paramref name="AuthPort"/>)
/// and accounting (<paramref name="AcctPort"/>) requests go, and the secret shared with it.</summary>
public sealed record RadiusServer(IPAddress Address, int AuthPort, int AcctPort, string Secret)
{
    public IPEndPoint Auth => new(Address, AuthPort);

    public IPEndPoint Acct => new(Address, AcctPort);

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"{Address}:{AuthPort}/{AcctPort}";
}

/// <summary><c>concentrator.radius</c>: the RADIUS client (EAP-RADIUS, RFC 3579; accounting, RFC 2866). No servers
/// means no RADIUS client runs.</summary>
public sealed record RadiusSettings(
    IReadOnlyList<RadiusServer> Servers,
    TimeSpan Timeout,
    int Retries,
    string NasIdentifier,
    IPAddress? NasIpAddress,
    TimeSpan InterimInterval)
{
    /// <summary>The reference defaults without servers: no RADIUS client.</summary>
    public static RadiusSettings None { get; } = new([], TimeSpan.FromSeconds(3), 2, "concentrator", null, TimeSpan.FromMinutes(10));

    public bool IsEnabled => Servers.Count > 0;

    /// <summary><c>concentrator.radius.accounting-backlog</c>: accounting records no server answered that are kept for
    /// further rounds through the servers; 0 gives them up after the first round.</summary>
    public int AccountingBacklog { get; init; } = 10_000;

    /// <summary>How long one request may take before <see cref="RadiusUnavailable"/>: every server, each tried
    /// 1 + <see cref="Retries"/> times.</summary>
    public TimeSpan WorstCase => Timeout * ((Retries + 1) * Math.Max(1, Servers.Count));

    /// <summary>Reads the section from the operator's configuration; keys it does not set come from the reference.</summary>
    public static RadiusSettings From(HoconConfig config, string file)
    {
        ArgumentNullException.ThrowIfNull(config);
        var r = new SettingsReader(config.WithFallback(ServerSettings.Reference), file);
        const string radius = "concentrator.radius.";
        var servers = new List<RadiusServer>();
        var items = ServerItems(r, radius + "servers");
        for (var i = 0; i < items.Count; i++)
        {
            servers.Add(Server(items[i], file, $"{radius}servers[{i}]"));
        }

        var nasIpText = r.String(radius + "nas-ip-address");
        IPAddress? nasIp = null;
        if (nasIpText.Length > 0)
        {
            nasIp = SettingsReader.Address(nasIpText) is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetwork } a
                ? a
                : throw r.Error(radius + "nas-ip-address", $"expected an IPv4 address like 192.0.2.1 (RFC 2865 §5.4), or \"\" to send none, got '{nasIpText}'");
        }

        var nasIdentifier = r.String(radius + "nas-identifier");
        if (nasIdentifier.Length == 0 && nasIp is null)
        {
            // RFC 2865 §4.1: "An Access-Request MUST contain either a NAS-IP-Address attribute or a NAS-Identifier
            // attribute (or both)."
            throw r.Error(radius + "nas-identifier", "expected a name (or set nas-ip-address): RFC 2865 §4.1 needs one of them in every request, got \"\"");
        }

        return new RadiusSettings(
            servers,
            ServerSettings.PositiveDuration(r, radius + "timeout"),
            r.Int(radius + "retries", 0, 10),
            nasIdentifier,
            nasIp,
            ServerSettings.PositiveDuration(r, radius + "interim-interval"))
        {
            AccountingBacklog = r.Int(radius + "accounting-backlog", 0, 1_000_000),
        };
    }

    private static RadiusServer Server(HoconValue item, string file, string prefix)
    {
        if (!item.IsObject())
        {
            throw new ConfigException(file, prefix, "expected an object like { address = \"192.0.2.10\", secret = \"…\" }");
        }

        var r = new PrefixedReader(new SettingsReader(new HoconConfig(new HoconRoot(item)), file), prefix);
        var fields = item.GetObject().Items.Keys.ToList();
        foreach (var key in fields)
        {
            if (key is not ("address" or "port" or "acct-port" or "secret"))
            {
                throw r.Error(key, "unknown key: expected address, port, acct-port or secret");
            }
        }

        var addressText = fields.Contains("address") ? r.String("address") : throw r.Error("address", "missing: expected the server's IP address like \"192.0.2.10\"");
        var address = SettingsReader.Address(addressText) ?? throw r.Error("address", $"expected an IPv4 or IPv6 address like 192.0.2.10, got '{addressText}'");
        var secret = fields.Contains("secret") ? r.String("secret") : "";
        if (secret.Length == 0)
        {
            // RFC 2865 §3: "The secret (password) shared between the client and the RADIUS server ... MUST NOT be empty."
            throw r.Error("secret", "expected the secret shared with this server (RFC 2865 §3: it must not be empty)");
        }

        return new RadiusServer(
            address,
            fields.Contains("port") ? Port(r, "port") : RadiusConstants.AuthPort,
            fields.Contains("acct-port") ? Port(r, "acct-port") : RadiusConstants.AcctPort,
            secret);
    }

    private static int Port(PrefixedReader r, string key)
    {
        var text = r.String(key);
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw r.Error(key, $"expected a UDP port 1..65535, got '{text}'");
    }

    private static IList<HoconValue> ServerItems(SettingsReader r, string key)
    {
        var value = r.Value(key);
        // Akka's HoconValue.IsArray() is false for "[]": an empty array (next to whitespace literals) is no servers.
        if (value.Values.Any(v => v is HoconArray) && value.Values.All(v => v is HoconArray a ? a.GetArray().Count == 0 : v is HoconLiteral l && string.IsNullOrWhiteSpace(l.Value)))
        {
            return [];
        }

        return value.IsArray() ? value.GetArray() : throw r.Error(key, "expected a list like [ { address = \"192.0.2.10\", secret = \"…\" } ]");
    }
}
