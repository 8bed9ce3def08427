using System.Globalization;
using System.Net;

namespace Concentrator.LoadGen.Cli;

/// <summary>The command line: <c>concentrator-loadgen TARGET[:PORT] --psk S [options]</c>.</summary>
public static class OptionsParser
{
    public const string Usage = """
        usage: concentrator-loadgen TARGET[:PORT] --psk SECRET [options]
          --count N              clients (IKE SAs) to set up (100)
          --rate R               setups started per second (default: as fast as --concurrency allows)
          --concurrency N        handshakes in flight at once (10; with --rate an upper bound, 0 = none)
          --hold S               keep established SAs up S seconds, answering the responder (0)
          --teardown             delete every established SA at the end
          --id TEMPLATE          IDi, {n} = client number (client-{n}@loadgen)
          --remote-id ID         IDr to ask for
          --eap-mschapv2 PASS    clients authenticate with EAP-MSCHAPv2 (EAP identity = IDi); --psk checks the gateway
          --ike P[,P...]         IKE proposals (aes256gcm16-prfsha256-x25519)
          --esp P[,P...]         ESP proposals (aes256gcm16)
          --no-vip               do not ask for a virtual IP
          --sockets N            UDP sockets (source ports) per source address (16)
          --source A[,A...]      source addresses (default: the one routing picks)
          --nat-t-port P         port IKE floats to with NAT (4500)
          --retransmit S,B,T     timeout seconds, backoff base, tries (1,1.8,3)
          --reuse-dh             one DH private value for all handshakes (RFC 7296 §2.12)
          --responder-pid P      report the responder's CPU s/setup and RSS/SA from /proc/P
          --json FILE            also write the report as JSON
          --netns NAME           create the sockets in network namespace NAME
          --quiet                no progress lines
        """;

    /// <summary>Parses the arguments; throws <see cref="FormatException"/> with what is wrong.</summary>
    public static LoadGenOptions Parse(IReadOnlyList<string> args)
    {
        IPEndPoint? target = null;
        bool concurrencyGiven = false;
        var o = new LoadGenOptions { Target = new IPEndPoint(IPAddress.Loopback, 500) };
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{a} needs a value");
            o = a switch
            {
                "--count" => o with { Count = Positive(a, Int(a, Next())) },
                "--rate" => o with { Rate = Double(a, Next()) is > 0 and var r ? r : throw new FormatException("--rate must be > 0") },
                "--concurrency" => Concurrency(o, Int(a, Next()), out concurrencyGiven),
                "--hold" => o with { Hold = TimeSpan.FromSeconds(Double(a, Next())) },
                "--teardown" => o with { Teardown = true },
                "--id" => o with { IdentityTemplate = Next() },
                "--remote-id" => o with { RemoteIdentity = Next() },
                "--psk" => o with { Psk = Next() },
                "--eap-mschapv2" => o with { EapMsChapV2Password = Next() },
                "--ike" => o with { IkeProposals = List(Next()) },
                "--esp" => o with { EspProposals = List(Next()) },
                "--no-vip" => o with { RequestVirtualIp = false },
                "--sockets" => o with { SocketsPerAddress = Positive(a, Int(a, Next())) },
                "--source" => o with { SourceAddresses = List(Next()).Select(s => Address(a, s)).ToArray() },
                "--nat-t-port" => o with { NatTraversalPort = Int(a, Next()) },
                "--retransmit" => Retransmit(o, Next()),
                "--reuse-dh" => o with { ReuseDh = true },
                "--responder-pid" => o with { ResponderPid = Int(a, Next()) },
                "--json" => o with { JsonPath = Next() },
                "--netns" => o with { Netns = Next() },
                "--quiet" => o with { ProgressInterval = TimeSpan.Zero },
                _ when a.StartsWith('-') => throw new FormatException($"unknown option {a}"),
                _ when target is null => o with { Target = target = Endpoint(a) },
                _ => throw new FormatException($"unexpected argument {a}"),
            };
        }

        if (target is null)
        {
            throw new FormatException("no TARGET given");
        }

        if (o.Psk.Length == 0)
        {
            throw new FormatException("--psk is required");
        }

        if (o.Rate is not null && !concurrencyGiven)
        {
            // In rate mode the in-flight count is unbounded unless asked for: a slow responder shows as latency.
            o = o with { Concurrency = 0 };
        }

        if (o.Rate is null && o.Concurrency <= 0)
        {
            throw new FormatException("--concurrency must be > 0 without --rate");
        }

        return o;
    }

    private static LoadGenOptions Concurrency(LoadGenOptions o, int value, out bool given)
    {
        given = true;
        return o with { Concurrency = value };
    }

    private static LoadGenOptions Retransmit(LoadGenOptions o, string value)
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
