using System.Net;
using Concentrator.Host.Configuration;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>The whole responder in this process on 127.0.0.1 with free high ports and the userspace dataplane,
/// serving one PSK road-warrior connection "gw.e2e.test" (the setup of <see cref="ResponderInProcessTests"/>,
/// with the Akka log level of the caller's choice).</summary>
internal sealed class InProcessResponder : IAsyncDisposable
{
    public const string Identity = "road@e2e.test";
    public const string Secret = "e2e-secret-0123456789";
    public const string Pool = "10.231.7.0/30";

    private readonly TempDir _dir;

    private InProcessResponder(TempDir dir, ConcentratorNode node, IPEndPoint server)
    {
        _dir = dir;
        Node = node;
        Server = server;
    }

    public ConcentratorNode Node { get; }

    public IPEndPoint Server { get; }

    /// <param name="logLevel">Akka's log level.</param>
    /// <param name="remoteId">The connection's remote id.</param>
    /// <param name="secrets">The secrets block's entries; by default <see cref="Identity"/> = <see cref="Secret"/>.</param>
    public static async Task<InProcessResponder> StartAsync(string logLevel = "WARNING", string remoteId = Identity,
        string? secrets = null)
    {
        var (port, natT) = TestPorts.FreePair();
        var dir = new TempDir();
        dir.Write("conns/e2e.conf", $$"""
            e2e {
              local { id = "gw.e2e.test", auth = psk }
              remote { id = "{{remoteId}}", auth = psk }
              ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
              esp-proposals = [ "aes256gcm16" ]
              local-ts = [ "198.51.100.0/24" ]
              pools = [ "{{Pool}}" ]
              ipsec-interface = no
            }
            secrets { {{secrets ?? $"\"{Identity}\" = \"{Secret}\""}} }
            """);
        var main = dir.Write("main.conf", $$"""
            concentrator {
              config-dir = "conns"
              dataplane = userspace
              # Not the shared default file: test runs in parallel (other worktrees too) would contend for it.
              leases.path = "{{Path.Combine(dir.Path, "leases.jsonl")}}"
              ike { listen = [ "127.0.0.1" ], port = {{port}}, nat-t-port = {{natT}} }
            }
            akka.loglevel = {{logLevel}}
            """);
        var definition = ConfigLoader.Load(main).ToNodeDefinition();
        ConcentratorNode node = await ConcentratorNode.StartAsync(definition);
        return new InProcessResponder(dir, node, new IPEndPoint(IPAddress.Loopback, port));
    }

    public async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within 5 s");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Node.StopAsync();
        _dir.Dispose();
    }
}
