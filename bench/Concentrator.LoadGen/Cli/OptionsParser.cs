using System.CommandLine;
using System.Globalization;
using System.Net;

namespace Concentrator.LoadGen.Cli;

/// <summary>The command line on System.CommandLine: <c>concentrator-loadgen TARGET[:PORT] --psk S [options]</c>
/// (<c>--help</c> lists the options).</summary>
public static class OptionsParser
{
    private static readonly LoadGenOptions Defaults = new() { Target = new IPEndPoint(IPAddress.Loopback, 500) };

    private static readonly Argument<string> Target = new("TARGET[:PORT]") { Description = "The responder's IKE endpoint (port 500 unless given)." };
    private static readonly Option<string> Psk = new("--psk") { Description = "The pre-shared key (not needed with --cert and --ca).", HelpName = "SECRET" };
    private static readonly Option<int?> Count = new("--count") { Description = $"Clients (IKE SAs) to set up ({Defaults.Count}).", HelpName = "N" };
    private static readonly Option<double?> Rate = new("--rate") { Description = "Setups started per second (default: as fast as --concurrency allows).", HelpName = "R" };
    private static readonly Option<int?> Concurrency = new("--concurrency") { Description = $"Handshakes in flight at once ({Defaults.Concurrency}; with --rate an upper bound, 0 = none).", HelpName = "N" };
    private static readonly Option<double?> Hold = new("--hold") { Description = "Keep established SAs up S seconds, answering the responder (0).", HelpName = "S" };
    private static readonly Option<bool> Teardown = new("--teardown") { Description = "Delete every established SA at the end." };
    private static readonly Option<string?> Id = new("--id") { Description = $"IDi, {{n}} = client number ({LoadGenOptions.DefaultIdentityTemplate}; with --cert its subject DN).", HelpName = "TEMPLATE" };
    private static readonly Option<string?> RemoteId = new("--remote-id") { Description = "IDr to ask for.", HelpName = "ID" };
    private static readonly Option<bool> EapTls = new("--eap-tls") { Description = "Clients authenticate with their --cert inside EAP-TLS (RFC 5216) instead of an IKE signature." };
    private static readonly Option<string?> EapMsChapV2 = new("--eap-mschapv2") { Description = "Clients authenticate with EAP-MSCHAPv2 (EAP identity = IDi); --psk checks the gateway.", HelpName = "PASS" };
    private static readonly Option<string?> Cert = new("--cert") { Description = "Clients authenticate with this PEM certificate (one for all, IDi = its subject DN unless --id).", HelpName = "FILE" };
    private static readonly Option<string?> Key = new("--key") { Description = "The PEM private key of --cert.", HelpName = "FILE" };
    private static readonly Option<string?> Ca = new("--ca") { Description = "Check the gateway's certificate against these PEM CA certificates (default: its PSK).", HelpName = "FILE" };
    private static readonly Option<string?> Ike = new("--ike") { Description = $"IKE proposals ({string.Join(',', Defaults.IkeProposals)}).", HelpName = "P[,P...]" };
    private static readonly Option<string?> Esp = new("--esp") { Description = $"ESP proposals ({string.Join(',', Defaults.EspProposals)}).", HelpName = "P[,P...]" };
    private static readonly Option<bool> NoVip = new("--no-vip") { Description = "Do not ask for a virtual IP." };
    private static readonly Option<int?> Sockets = new("--sockets") { Description = $"UDP sockets (source ports) per source address ({Defaults.SocketsPerAddress}).", HelpName = "N" };
    private static readonly Option<string?> Source = new("--source") { Description = "Source addresses (default: the one routing picks).", HelpName = "A[,A...]" };
    private static readonly Option<int?> NatTPort = new("--nat-t-port") { Description = $"Port IKE floats to with NAT ({Defaults.NatTraversalPort}).", HelpName = "P" };
    private static readonly Option<string?> Retransmit = new("--retransmit") { Description = "Timeout seconds, backoff base, tries (1,1.8,3).", HelpName = "S,B,T" };
    private static readonly Option<bool> ReuseDh = new("--reuse-dh") { Description = "One DH private value for all handshakes (RFC 7296 §2.12)." };
    private static readonly Option<int?> ResponderPid = new("--responder-pid") { Description = "Report the responder's CPU s/setup and RSS/SA from /proc/P.", HelpName = "P" };
    private static readonly Option<string?> Json = new("--json") { Description = "Also write the report as JSON.", HelpName = "FILE" };
    private static readonly Option<string?> Netns = new("--netns") { Description = "Create the sockets in network namespace NAME.", HelpName = "NAME" };
    private static readonly Option<bool> Quiet = new("--quiet") { Description = "No progress lines." };

    /// <summary>The command (one per call: a parse keeps no state in it, but callers may add an action).</summary>
    public static RootCommand Command() => new("An IKEv2 initiator swarm: sets up IKE SAs against a responder and reports setups/s, latency and failures.")
    {
        Target, Psk, Count, Rate, Concurrency, Hold, Teardown, Id, RemoteId, EapMsChapV2, EapTls, Cert, Key, Ca, Ike, Esp, NoVip, Sockets, Source, NatTPort, Retransmit,
        ReuseDh, ResponderPid, Json, Netns, Quiet,
    };

    /// <summary>Parses the arguments; throws <see cref="FormatException"/> with what is wrong.</summary>
    public static LoadGenOptions Parse(IReadOnlyList<string> args) => From(Command().Parse(args));

    /// <summary>The options of a parse; throws <see cref="FormatException"/> with what is wrong.</summary>
    public static LoadGenOptions From(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Errors.Count > 0)
        {
            throw new FormatException(string.Join("; ", result.Errors.Select(e => e.Message)));
        }

        var o = Defaults with
        {
            Target = Endpoint(result.GetValue(Target)!),
            Psk = result.GetValue(Psk) ?? (result.GetValue(Cert) is not null && result.GetValue(Ca) is not null ? ""
                : throw new FormatException("--psk is required (unless --cert and --ca authenticate both ways)")),
            Count = Positive("--count", result.GetValue(Count) ?? Defaults.Count),
            Rate = result.GetValue(Rate) is { } rate ? (rate > 0 ? rate : throw new FormatException("--rate must be > 0")) : null,
            Hold = TimeSpan.FromSeconds(result.GetValue(Hold) ?? 0),
            Teardown = result.GetValue(Teardown),
            IdentityTemplate = result.GetValue(Id),
            RemoteIdentity = result.GetValue(RemoteId),
            EapMsChapV2Password = result.GetValue(EapMsChapV2),
            EapTls = result.GetValue(EapTls),
            CertificateFile = result.GetValue(Cert),
            KeyFile = result.GetValue(Key),
            CaFile = result.GetValue(Ca),
            IkeProposals = result.GetValue(Ike) is { } ike ? List(ike) : Defaults.IkeProposals,
            EspProposals = result.GetValue(Esp) is { } esp ? List(esp) : Defaults.EspProposals,
            RequestVirtualIp = !result.GetValue(NoVip),
            SocketsPerAddress = Positive("--sockets", result.GetValue(Sockets) ?? Defaults.SocketsPerAddress),
            SourceAddresses = result.GetValue(Source) is { } sources ? [.. List(sources).Select(s => Address("--source", s))] : [],
            NatTraversalPort = result.GetValue(NatTPort) ?? Defaults.NatTraversalPort,
            ReuseDh = result.GetValue(ReuseDh),
            ResponderPid = result.GetValue(ResponderPid),
            JsonPath = result.GetValue(Json),
            Netns = result.GetValue(Netns),
            ProgressInterval = result.GetValue(Quiet) ? TimeSpan.Zero : Defaults.ProgressInterval,
        };
        if ((o.CertificateFile is null) != (o.KeyFile is null))
        {
            throw new FormatException("--cert and --key go together");
        }

        if (o.CertificateFile is not null && o.EapMsChapV2Password is not null)
        {
            throw new FormatException("--cert and --eap-mschapv2 exclude each other");
        }

        if (o.EapTls && o.CertificateFile is null)
        {
            throw new FormatException("--eap-tls needs --cert and --key (the client's certificate inside EAP-TLS)");
        }

        if (result.GetValue(Retransmit) is { } retransmit)
        {
            o = WithRetransmit(o, retransmit);
        }

        // In rate mode the in-flight count is unbounded unless asked for: a slow responder shows as latency.
        o = o with { Concurrency = result.GetValue(Concurrency) ?? (o.Rate is null ? Defaults.Concurrency : 0) };
        if (o.Rate is null && o.Concurrency <= 0)
        {
            throw new FormatException("--concurrency must be > 0 without --rate");
        }

        return o;
    }

    private static LoadGenOptions WithRetransmit(LoadGenOptions o, string value)
    {
        string[] parts = List(value);
        if (parts.Length != 3)
        {
            throw new FormatException("--retransmit wants TIMEOUT,BASE,TRIES");
        }

        return o with
        {
            RetransmitTimeout = TimeSpan.FromSeconds(Double("--retransmit", parts[0])),
            RetransmitBase = Double("--retransmit", parts[1]),
            RetransmitTries = Int("--retransmit", parts[2]),
        };
    }

    private static IPEndPoint Endpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out IPEndPoint? ep))
        {
            return ep.Port == 0 ? new IPEndPoint(ep.Address, 500) : ep;
        }

        throw new FormatException($"TARGET '{text}' is not an address[:port]");
    }

    private static IPAddress Address(string option, string text) =>
        IPAddress.TryParse(text, out IPAddress? ip) ? ip : throw new FormatException($"{option}: '{text}' is not an address");

    private static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Int(string option, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new FormatException($"{option}: '{text}' is not a number");

    private static double Double(string option, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new FormatException($"{option}: '{text}' is not a number");

    private static int Positive(string option, int value) => value > 0 ? value : throw new FormatException($"{option} must be > 0");
}
