using Akka.Actor;
using System.Net;
using System.Net.Sockets;
using Concentrator.Server.Network;

namespace Concentrator.Host.Tests.Admission;

/// <summary><c>concentrator.ike.bind</c>: one listen address whose IKE port is taken by another socket.</summary>
public sealed class BindModeTests : IDisposable
{
    private static readonly IPAddress Taken = IPAddress.Parse("127.0.0.2");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task StartAsync_PortTakenOnOneAddressStrict_FailsNamingAddressAndPort()
    {
        var (port, natT) = TestPorts.FreePair();
        using var squatter = Squat(port);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new TestGateway { Listen = ["127.0.0.1", "127.0.0.2"], Port = port, NatTPort = natT }.StartAsync(_dir));

        Assert.Contains($"127.0.0.2 port {port}: AddressAlreadyInUse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_PortTakenOnOneAddressBestEffort_ServesTheOtherAddress()
    {
        var (port, natT) = TestPorts.FreePair();
        using var squatter = Squat(port);

        await using var node = await new TestGateway
        {
            Listen = ["127.0.0.1", "127.0.0.2"],
            Port = port,
            NatTPort = natT,
            Ike = "bind = best-effort",
        }.StartAsync(_dir);

        var stats = await node.Socket.Ask<SocketStats>(GetSocketStats.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, port)], stats.Bound.Select(b => b.Local));
    }

    private static Socket Squat(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(Taken, port));
        return socket;
    }
}
