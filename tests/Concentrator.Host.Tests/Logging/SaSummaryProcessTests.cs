using System.Net;
using System.Text.Json;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Logging;

/// <summary>The real Host process writes one line when an IKE SA is established and one when it is deleted, with
/// identity, remote address, virtual IP, connection, interface, algorithms and (deleted) duration and reason.</summary>
public sealed class SaSummaryProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ClientConnectsAndDeletes_EstablishedAndDeletedLinesWithTheSasFacts()
    {
        var (main, port, _) = new TestGateway().Write(_dir);
        using var host = HostProcess.Start(["run", "--config", main, "--log-format", "json"]);
        await host.WaitForLineAsync(l => l.Contains("\"EventId\":1002", StringComparison.Ordinal));

        using var client = new UdpInitiator(new IPEndPoint(IPAddress.Loopback, port), TestGateway.DefaultIdentity, TestGateway.DefaultSecret);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        var vip = Assert.Single(client.Sa.VirtualIps).ToString();
        var established = State(await host.WaitForLineAsync(l => l.Contains("\"EventId\":4003", StringComparison.Ordinal)));
        await Task.Delay(300);
        Assert.Equal(IkeSaState.Deleted, await client.DeleteAsync());
        var deleted = State(await host.WaitForLineAsync(l => l.Contains("\"EventId\":4004", StringComparison.Ordinal)));
        Assert.Equal(0, await host.TerminateAsync());

        foreach (var line in new[] { established, deleted })
        {
            Assert.Equal(TestGateway.DefaultIdentity, line.GetProperty("Identity").GetString());
            Assert.Equal(client.Local.ToString(), line.GetProperty("Remote").GetString());
            Assert.Equal(vip, line.GetProperty("VirtualIp").GetString());
            Assert.Equal("e2e", line.GetProperty("Connection").GetString());
            Assert.Equal("policy-based", line.GetProperty("InterfaceName").GetString());
            Assert.Equal("AesGcm16/256-HmacSha2_256-Curve25519", line.GetProperty("IkeAlgorithms").GetString());
            Assert.Equal("AesGcm16/256", line.GetProperty("EspAlgorithms").GetString());
        }

        Assert.InRange(deleted.GetProperty("DurationSeconds").GetDouble(), 0.3, 30);
        Assert.Equal("deleted", deleted.GetProperty("Reason").GetString());
        // One each: the summary is not repeated by the actor the handshake ran in.
        Assert.Single(host.Lines, l => l.Contains("\"EventId\":4003", StringComparison.Ordinal));
        Assert.Single(host.Lines, l => l.Contains("\"EventId\":4004", StringComparison.Ordinal));
    }

    private static JsonElement State(string line) => JsonDocument.Parse(line).RootElement.GetProperty("State").Clone();
}
