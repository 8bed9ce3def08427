using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Network;

namespace Concentrator.Server.Tests.Network;

/// <summary>Real UDP sockets on loopback, ports chosen by the system.</summary>
public sealed class IkeSocketActorTests : TestKit
{
    private readonly SpiTable _spis = new();

    private (IActorRef Socket, BoundEndpoint Ike, BoundEndpoint NatT) Start(IPAddress address, IActorRef dispatcher, bool kernelEspInUdp = false)
    {
        var options = new IkeSocketOptions([address], 0, 0) { KernelEspInUdp = kernelEspInUdp };
        var socket = Sys.ActorOf(IkeSocketActor.Props(options, _spis, dispatcher));
        socket.Tell(GetSocketStats.Instance);
        var bound = ExpectMsg<SocketStats>().Bound;
        Assert.Equal(2, bound.Count);
        return (socket, bound.Single(b => !b.NatT), bound.Single(b => b.NatT));
    }

    private static UdpClient Client(IPAddress address) => new(new IPEndPoint(address, 0));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void IkeSaInitWithZeroResponderSpi_GoesToDispatcherAsNewSa(string address)
    {
        var ip = IPAddress.Parse(address);
        var dispatcher = CreateTestProbe();
        var (_, ike, _) = Start(ip, dispatcher.Ref);
        using var client = Client(ip);
        var message = IkeBytes.Message(0x0102030405060708, 0, bodyLength: 100);

        client.Send(message, ike.Local);

        var newSa = dispatcher.ExpectMsg<NewSa>().Datagram;
        Assert.Equal(message, newSa.Message.ToArray());
        Assert.Equal(ike.Local, newSa.Local);
        Assert.Equal((IPEndPoint)client.Client.LocalEndPoint!, newSa.Remote);
        Assert.False(newSa.NatT);
        Assert.Equal(0x0102030405060708UL, newSa.Header.InitiatorSpi);
    }

    [Fact]
    public void MessageForRegisteredSpi_OnNatTPort_ReachesSaWithoutMarker()
    {
        var sa = CreateTestProbe();
        Assert.True(_spis.TryRegister(0xCAFE, sa.Ref));
        var (_, _, natT) = Start(IPAddress.Loopback, CreateTestProbe().Ref);
        using var client = Client(IPAddress.Loopback);
        var message = IkeBytes.Message(0x55, 0xCAFE, exchange: 35, messageId: 1, bodyLength: 40);

        client.Send(IkeBytes.WithMarker(message), natT.Local);

        var datagram = sa.ExpectMsg<IkeDatagram>();
        Assert.Equal(message, datagram.Message.ToArray());
        Assert.True(datagram.NatT);
        Assert.Equal(natT.Local, datagram.Local);
    }

    [Fact]
    public void KernelEspInUdp_IkeBehindMarkerReachesSocketKeepaliveConsumedByKernel()
    {
        // With UDP_ENCAP set the kernel keeps ESP for itself and swallows NAT-keepalives (xfrm4_udp_encap_rcv drops
        // the single 0xFF byte), but passes datagrams with the non-ESP marker on to the socket, marker included.
        var sa = CreateTestProbe();
        _spis.TryRegister(0xF00D, sa.Ref);
        var (socket, _, natT) = Start(IPAddress.Loopback, CreateTestProbe().Ref, kernelEspInUdp: true);
        using var client = Client(IPAddress.Loopback);
        var message = IkeBytes.Message(0x55, 0xF00D, exchange: 37, messageId: 2);

        client.Send([0xFF], natT.Local);
        client.Send(IkeBytes.WithMarker(message), natT.Local);

        Assert.Equal(message, sa.ExpectMsg<IkeDatagram>().Message.ToArray());
        socket.Tell(GetSocketStats.Instance);
        var stats = ExpectMsg<SocketStats>();
        Assert.Equal((1L, 0L), (stats.Received, stats.Keepalives));
    }

    [Fact]
    public void KeepaliveMalformedAndUnknownSpi_CountedDroppedAndLoopSurvives()
    {
        var sa = CreateTestProbe();
        var dispatcher = CreateTestProbe();
        _spis.TryRegister(0xBEEF, sa.Ref);
        var (socket, ike, natT) = Start(IPAddress.Loopback, dispatcher.Ref);
        using var client = Client(IPAddress.Loopback);

        client.Send([0xFF], natT.Local);
        client.Send([1, 2, 3], ike.Local);
        client.Send(IkeBytes.Message(0x55, 0xDEAD, exchange: 35), ike.Local);
        client.Send([0, 0, 0x10, 1, 0, 0, 0, 1, 0xAB, 0xCD], natT.Local);
        client.Send(IkeBytes.Message(0x55, 0xBEEF, exchange: 37), ike.Local);

        sa.ExpectMsg<IkeDatagram>();
        AwaitAssert(() =>
        {
            socket.Tell(GetSocketStats.Instance);
            var stats = ExpectMsg<SocketStats>();
            Assert.Equal((5L, 1L, 1L, 1L, 1L, 1L, 0L), (stats.Received, stats.Keepalives, stats.Malformed, stats.UnknownSpi, stats.Esp, stats.ToSa, stats.NewSa));
        }, TimeSpan.FromSeconds(3));
        dispatcher.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void SendIke_FromNatTPort_ArrivesWithMarkerFromThatEndpoint()
    {
        var (socket, ike, natT) = Start(IPAddress.Loopback, CreateTestProbe().Ref);
        using var client = Client(IPAddress.Loopback);
        client.Client.ReceiveTimeout = 3000;
        var peer = (IPEndPoint)client.Client.LocalEndPoint!;
        var message = IkeBytes.Message(0x55, 0x66, flags: 0x20, bodyLength: 8);

        socket.Tell(new SendIke(natT.Local, peer, message));
        var from = new IPEndPoint(IPAddress.Any, 0);
        var viaNatT = client.Receive(ref from);
        Assert.Equal(natT.Local, from);
        Assert.Equal(IkeBytes.WithMarker(message), viaNatT);

        socket.Tell(new SendIke(ike.Local, peer, message));
        var via500 = client.Receive(ref from);
        Assert.Equal(ike.Local, from);
        Assert.Equal(message, via500);
    }

    [Fact]
    public void Stopped_ItsReceiveLoopsLetGoOfThePorts()
    {
        // Each socket has a receive loop waiting for the next datagram; stopping the actor must end the wait and close
        // the socket, or the ports stay taken by a socket nobody reads.
        var dispatcher = CreateTestProbe();
        var (socket, ike, natT) = Start(IPAddress.Loopback, dispatcher.Ref);
        using (var client = Client(IPAddress.Loopback))
        {
            client.Send(IkeBytes.Message(0x77, 0, bodyLength: 40), ike.Local);
            dispatcher.ExpectMsg<NewSa>();
        }

        Watch(socket);
        Sys.Stop(socket);
        ExpectTerminated(socket);

        AwaitAssert(() =>
        {
            using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            again.Bind(ike.Local);
            using var againNatT = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            againNatT.Bind(natT.Local);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void SpiTable_UnregisterByOtherActor_KeepsEntry()
    {
        var a = CreateTestProbe().Ref;
        var b = CreateTestProbe().Ref;

        Assert.True(_spis.TryRegister(7, a));
        Assert.False(_spis.TryRegister(7, b));
        Assert.False(_spis.TryRegister(0, b));
        Assert.False(_spis.Unregister(7, b));
        Assert.True(_spis.TryGet(7, out var owner));
        Assert.Equal(a, owner);
        Assert.True(_spis.Unregister(7, a));
        Assert.Equal(0, _spis.Count);
    }
}
