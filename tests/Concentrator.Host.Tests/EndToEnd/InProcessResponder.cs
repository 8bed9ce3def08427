using System.Net;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>The whole responder in this process on 127.0.0.1 with free high ports and the userspace dataplane,
/// serving one PSK road-warrior connection "gw.e2e.test" (<see cref="TestGateway"/>'s configuration, with the
/// remote id, secrets and Akka log level of the caller's choice).</summary>
internal sealed class InProcessResponder : IAsyncDisposable
{
    public const string Identity = TestGateway.DefaultIdentity;
    public const string Secret = TestGateway.DefaultSecret;
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
        var dir = new TempDir();
        var (main, port, _) = new TestGateway
        {
            RemoteId = remoteId,
            Pool = Pool,
            Secrets = secrets ?? $"\"{Identity}\" = \"{Secret}\"",
            LogLevel = logLevel,
        }.Write(dir);
        ConcentratorNode node = await TestGateway.StartAsync(main);
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
