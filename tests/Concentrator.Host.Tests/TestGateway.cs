using System.Net;
using Concentrator.Host.Configuration;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests;

/// <summary>
/// The configuration of a test responder, written as an operator would (a main HOCON file and one connection file)
/// and loaded through the host's loader: userspace dataplane, one PSK road-warrior connection without ipsecN, free
/// high ports on 127.0.0.1, and a lease journal of its own in the test's folder (never the shared default under
/// /var/lib/concentrator, which parallel test runs would contend for). Tests change only what they are about.
/// </summary>
internal sealed record TestGateway
{
    public const string DefaultIdentity = "road@e2e.test";
    public const string DefaultSecret = "e2e-secret-0123456789";

    public string LocalId { get; init; } = "gw.e2e.test";

    public string RemoteId { get; init; } = DefaultIdentity;

    public string Pool { get; init; } = "10.231.7.0/30";

    /// <summary>The entries of the file's <c>secrets</c> block.</summary>
    public string Secrets { get; init; } = $"\"{DefaultIdentity}\" = \"{DefaultSecret}\"";

    /// <summary>More keys of the connection (e.g. <c>unique = keep</c>).</summary>
    public string Connection { get; init; } = "";

    /// <summary>The connections of the file, in order; null: one, "e2e", of <see cref="RemoteId"/>, <see cref="Pool"/>
    /// and <see cref="Connection"/> with <c>ipsec-interface = no</c>.</summary>
    public IReadOnlyList<TestConnection>? Connections { get; init; }

    /// <summary>The addresses of <c>concentrator.ike.listen</c>.</summary>
    public IReadOnlyList<string> Listen { get; init; } = ["127.0.0.1"];

    /// <summary>More keys of <c>concentrator.ike</c> (e.g. <c>bind = best-effort</c>).</summary>
    public string Ike { get; init; } = "";

    /// <summary>The lease journal; null: <c>leases.jsonl</c> in the test's folder.</summary>
    public string? LeasesPath { get; init; }

    public string LogLevel { get; init; } = "WARNING";

    /// <summary>More keys of the main file (e.g. <c>concentrator.logging.format = json</c>).</summary>
    public string Main { get; init; } = "";

    /// <summary>Ports (0: two free ones are picked when written).</summary>
    public int Port { get; init; }

    public int NatTPort { get; init; }

    /// <summary>Writes the files under <paramref name="dir"/>; returns the main file and the ports it names.</summary>
    public (string Main, int Port, int NatTPort) Write(TempDir dir)
    {
        var (port, natT) = Port != 0 ? (Port, NatTPort) : TestPorts.FreePair();
        var connections = Connections ?? [new TestConnection("e2e", RemoteId, Pool) { More = Connection }];
        dir.Write("conns/e2e.conf", string.Join("\n", connections.Select(c => c.Hocon(LocalId))) + $$"""

            secrets { {{Secrets}} }
            """);
        var main = dir.Write("main.conf", $$"""
            concentrator {
              config-dir = "conns"
              dataplane = userspace
              leases.path = "{{LeasesPath ?? Path.Combine(dir.Path, "leases.jsonl")}}"
              management.socket = "{{SocketIn(dir)}}"
              ike {
                listen = [ {{string.Join(", ", Listen.Select(a => $"\"{a}\""))}} ]
                port = {{port}}
                nat-t-port = {{natT}}
                {{Ike}}
              }
            }
            akka.loglevel = {{LogLevel}}
            {{Main}}
            """);
        return (main, port, natT);
    }

    /// <summary>The management socket of a gateway written under <paramref name="dir"/> (never the default under /run,
    /// which parallel test runs would contend for).</summary>
    public static string SocketIn(TempDir dir) => Path.Combine(dir.Path, "concentrator.sock");

    /// <summary>Writes the files and starts a node on them in this process.</summary>
    public Task<ConcentratorNode> StartAsync(TempDir dir) => StartAsync(Write(dir).Main);

    public static Task<ConcentratorNode> StartAsync(string main) => ConcentratorNode.StartAsync(ConfigLoader.Load(main).ToNodeDefinition());

    /// <summary>The IKE endpoint of a node written with this configuration on 127.0.0.1.</summary>
    public static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}

/// <summary>One PSK road-warrior connection of a <see cref="TestGateway"/>'s file.</summary>
/// <param name="IpsecInterface">The value of <c>ipsec-interface</c>: "no" or an interface number.</param>
internal sealed record TestConnection(string Name, string RemoteId, string Pool, string IpsecInterface = "no")
{
    /// <summary>More keys of the connection (e.g. <c>unique = keep</c>).</summary>
    public string More { get; init; } = "";

    public string Hocon(string localId) => $$"""
        {{Name}} {
          local { id = "{{localId}}", auth = psk }
          remote { id = "{{RemoteId}}", auth = psk }
          ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
          esp-proposals = [ "aes256gcm16" ]
          local-ts = [ "198.51.100.0/24" ]
          pools = [ "{{Pool}}" ]
          dns = [ "198.51.100.53" ]
          ipsec-interface = {{IpsecInterface}}
          {{More}}
        }
        """;
}
