using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Server.Radius;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>The node runs its RADIUS client (<c>/user/radius</c>) exactly when <c>concentrator.radius.servers</c> names
/// one, with the operator's settings: a request told to it arrives at the configured server.</summary>
public sealed class RadiusInProcessTests
{
    [Fact]
    public async Task Start_RadiusServerConfigured_ClientRunsAndSendsToTheServerWithTheConfiguredNasIdentifier()
    {
        using var dir = new TempDir();
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)server.Client.LocalEndPoint!).Port;
        var (main, _, _) = new TestGateway().Write(dir);
        File.AppendAllText(main, $$"""

            concentrator.radius {
              servers = [ { address = "127.0.0.1", port = {{port}}, acct-port = {{port}}, secret = "node-test" } ]
              nas-identifier = "node-under-test"
            }
            """);
        await using var node = await TestGateway.StartAsync(main);

        Assert.NotNull(node.Radius);
        Assert.Equal("/user/radius", node.Radius!.Path.ToStringWithoutAddress());
        node.Radius.Tell(new AccessRequest(1, ActorRefs.Nobody, "alice", new byte[] { 2, 0, 0, 10, 1, (byte)'a', (byte)'l', (byte)'i', (byte)'c', (byte)'e' }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var datagram = await server.ReceiveAsync(timeout.Token);

        Assert.True(RadiusPacket.TryParse(datagram.Buffer, out var request, out _));
        Assert.Equal(RadiusCode.AccessRequest, request!.Code);
        Assert.Equal("node-under-test", request.Find(RadiusAttributeType.NasIdentifier)!.Value.AsText());
        Assert.Equal("alice", request.Find(RadiusAttributeType.UserName)!.Value.AsText());
    }

    [Fact]
    public async Task Start_NoRadiusServers_NoClientRuns()
    {
        using var dir = new TempDir();
        var (main, _, _) = new TestGateway().Write(dir);

        await using var node = await TestGateway.StartAsync(main);

        Assert.Null(node.Radius);
    }

    [Fact]
    public void CheckConfig_RadiusServerWithoutSecret_ExitsWithConfigErrorNamingTheKey()
    {
        using var dir = new TempDir();
        var (main, _, _) = new TestGateway().Write(dir);
        File.AppendAllText(main, "\nconcentrator.radius.servers = [ { address = \"192.0.2.10\" } ]\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = Program.Run(["check-config", "--config", main], output, error);

        Assert.Equal(78, code);
        Assert.Contains("concentrator.radius.servers[0].secret", error.ToString(), StringComparison.Ordinal);
    }
}
