using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Network;

namespace Concentrator.Server.Tests.Network;

/// <summary>
/// The kernel dataplane's sockets (the socket actor owns both ports, UDP_ENCAP set on NAT-T) with an IPv4 and an
/// IPv6 listen address and the same ports on both, as the default <c>listen = ["0.0.0.0", "::"]</c> expands to:
/// every address gets its own IKE and NAT-T socket, and IPv6 NAT-T traffic is received and answered on the IPv6 one.
/// </summary>
public sealed class DualStackNatTSocketTests : TestKit
{
    private static readonly IPAddress V6 = IPAddress.IPv6Loopback;
    private readonly SpiTable _spis = new();

    private (IActorRef Socket, IReadOnlyList<BoundEndpoint> Bound, int Port, int NatT) StartDualStack(IActorRef dispatcher)
    {
        var (port, natT) = (FreeOnBothFamilies(), FreeOnBothFamilies());
        var options = new IkeSocketOptions([IPAddress.Loopback, V6], port, natT) { KernelEspInUdp = true };
        var socket = Sys.ActorOf(IkeSocketActor.Props(options, _spis, dispatcher));
        socket.Tell(GetSocketStats.Instance);
        return (socket, ExpectMsg<SocketStats>().Bound, port, natT);
    }

    [Fact]
    public void Start_Ipv4AndIpv6Listen_BindsIkeAndNatTOnEachAddress()
    {
        var (_, bound, port, natT) = StartDualStack(CreateTestProbe().Ref);

        Assert.Equal(4, bound.Count);
        Assert.Contains(new BoundEndpoint(new IPEndPoint(IPAddress.Loopback, port), false), bound);
        Assert.Contains(new BoundEndpoint(new IPEndPoint(IPAddress.Loopback, natT), true), bound);
        Assert.Contains(new BoundEndpoint(new IPEndPoint(V6, port), false), bound);
        Assert.Contains(new BoundEndpoint(new IPEndPoint(V6, natT), true), bound);
    }

    [Fact]
    public void IkeBehindMarker_OnIpv6NatTSocket_ReachesSaAndIsAnsweredFromThatSocket()
    {
        var sa = CreateTestProbe();
        Assert.True(_spis.TryRegister(0xD00D, sa.Ref));
        var (socket, _, _, natT) = StartDualStack(CreateTestProbe().Ref);
        var natTv6 = new IPEndPoint(V6, natT);
        using var client = new UdpClient(new IPEndPoint(V6, 0));
        var request = IkeBytes.Message(0x66, 0xD00D, exchange: 37, messageId: 3, bodyLength: 40);

        client.Send(IkeBytes.WithMarker(request), natTv6);

        var datagram = sa.ExpectMsg<IkeDatagram>();
        Assert.Equal(request, datagram.Message.ToArray());
        Assert.True(datagram.NatT);
        Assert.Equal(natTv6, datagram.Local);
        Assert.Equal((IPEndPoint)client.Client.LocalEndPoint!, datagram.Remote);

        var answer = IkeBytes.Message(0x66, 0xD00D, exchange: 37, flags: 0x20, messageId: 3, bodyLength: 40);
        socket.Tell(new SendIke(datagram.Local, datagram.Remote, answer));
        client.Client.ReceiveTimeout = 3000;
        var from = new IPEndPoint(IPAddress.IPv6Any, 0);
        var received = client.Receive(ref from);

        // RFC 3948 section 2.2: the answer carries the non-ESP marker, and leaves from the address and port the request came to.
        Assert.Equal(IkeBytes.WithMarker(answer), received);
        Assert.Equal(natTv6, from);
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
                v6.Bind(new IPEndPoint(V6, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
