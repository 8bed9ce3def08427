using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Kernel.Userspace;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>
/// The whole responder with the userspace dataplane listening on 127.0.0.1 and ::1 (what <c>listen = ["0.0.0.0",
/// "::"]</c> becomes on a host with both families): the dataplane binds the NAT-T port on each address, and an IPv6
/// road warrior talking IKE behind the non-ESP marker to [::1]:nat-t-port is answered and gets its tunnel.
/// </summary>
public sealed class DualStackNatTInProcessTests : IAsyncLifetime, IDisposable
{
    private const string Identity = TestGateway.DefaultIdentity;
    private const string Secret = TestGateway.DefaultSecret;
    private TempDir _dir = null!;
    private ConcentratorNode _node = null!;
    private int _natT;

    public async Task InitializeAsync()
    {
        int port = FreeOnBothFamilies();
        _natT = FreeOnBothFamilies();
        _dir = new TempDir();
        _node = await new TestGateway { Listen = ["127.0.0.1", "::1"], Port = port, NatTPort = _natT, Pool = "10.231.8.0/30" }.StartAsync(_dir);
    }

    public async Task DisposeAsync() => await _node.StopAsync();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Start_Ipv4AndIpv6Listen_NatTPortTakenOnEachAddress(string address)
    {
        var local = new IPEndPoint(IPAddress.Parse(address), _natT);
        using var probe = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (local.AddressFamily == AddressFamily.InterNetworkV6)
        {
            probe.DualMode = false;
        }

        var e = Assert.Throws<SocketException>(() => probe.Bind(local));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
    }

    [Fact]
    public async Task Connect_OverIpv6NatTPortBehindMarker_AnsweredAndChildSaInstalledOnIpv6()
    {
        var server = new IPEndPoint(IPAddress.IPv6Loopback, _natT);
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = false };
        socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        using var client = new UdpInitiator(server, Identity, Secret, socket);

        // RFC 7296 section 2.23: an initiator may start on port 4500, every IKE message behind the non-ESP marker.
        var auth = await ExchangeBehindMarkerAsync(socket, client, client.Sa.Initiate().Message!);
        Assert.False(auth.IsDropped, auth.Detail);
        var done = await ExchangeBehindMarkerAsync(socket, client, auth.Message!);
        Assert.False(done.IsDropped, done.Detail);

        Assert.Equal(IkeSaState.Established, client.Sa.State);
        Assert.True(IPNetwork.Parse("10.231.8.0/30").Contains(Assert.Single(client.Sa.VirtualIps)));
        var kernel = Assert.IsType<UserspaceKernelIpsec>(_node.KernelIpsec);
        var child = Assert.Single(client.Sa.ChildSas);
        var v6 = IPAddress.IPv6Loopback;
        Assert.Equal(0UL, (await kernel.QuerySaAsync(new SaId(v6, v6, child.OutboundSpi))).Packets);
        Assert.Equal(0UL, (await kernel.QuerySaAsync(new SaId(v6, v6, child.InboundSpi))).Packets);
    }

    private static async Task<IkeSaResult> ExchangeBehindMarkerAsync(Socket socket, UdpInitiator client, byte[] request)
    {
        byte[] datagram = [0, 0, 0, 0, .. request];
        await socket.SendToAsync(datagram, client.Server);
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0), timeout.Token);
        Assert.Equal(client.Server, received.RemoteEndPoint);
        Assert.True(received.ReceivedBytes > 4 && buffer.AsSpan(0, 4).SequenceEqual(new byte[4]), "the answer lacks the non-ESP marker");
        return client.Sa.ProcessResponse(buffer.AsMemory(4, received.ReceivedBytes - 4), (IPEndPoint)received.RemoteEndPoint, client.Local);
    }

    /// <summary>A UDP port free on 127.0.0.1 and on ::1 a moment ago.</summary>
    private static int FreeOnBothFamilies()
    {
        for (int attempt = 0; ; attempt++)
        {
            using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)v4.LocalEndPoint!).Port;
            using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = false };
            try
            {
                v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
