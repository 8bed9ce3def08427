using System.Collections.Concurrent;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Network;
using Concentrator.Server.Tests.Network;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>The socket actor with the NAT-T port owned by the userspace dataplane (<see cref="ExternalNatTransport"/>):
/// what the node wires when the dataplane is userspace.</summary>
public sealed class ExternalNatTTests : TestKit
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("192.0.2.2"), 4500);
    private readonly SpiTable _spis = new();
    private readonly ConcurrentQueue<(byte[] Message, IPEndPoint To)> _sent = new();

    private IActorRef Start(IPEndPoint externalLocal, IActorRef dispatcher, out IReadOnlyList<BoundEndpoint> bound)
    {
        var options = new IkeSocketOptions([IPAddress.Loopback], 0, externalLocal.Port)
        {
            ExternalNatT = new ExternalNatTransport(externalLocal, (m, to) => _sent.Enqueue((m.ToArray(), to))),
        };
        var socket = Sys.ActorOf(IkeSocketActor.Props(options, _spis, dispatcher));
        socket.Tell(GetSocketStats.Instance);
        bound = ExpectMsg<SocketStats>().Bound;
        return socket;
    }

    [Fact]
    public void Start_WithExternalNatT_BindsOnlyTheIkePort()
    {
        Start(new IPEndPoint(IPAddress.Loopback, 45000), CreateTestProbe().Ref, out var bound);

        var only = Assert.Single(bound);
        Assert.False(only.NatT);
    }

    [Fact]
    public void InjectIke_IkeSaInit_ReachesDispatcherAsNatTDatagramOnTheExternalEndpoint()
    {
        var dispatcher = CreateTestProbe();
        var external = new IPEndPoint(IPAddress.Loopback, 45001);
        var socket = Start(external, dispatcher.Ref, out _);
        var message = IkeBytes.Message(0x0102030405060708, 0, bodyLength: 60);

        socket.Tell(new InjectIke(Peer, message));

        var datagram = dispatcher.ExpectMsg<NewSa>().Datagram;
        Assert.True(datagram.NatT);
        Assert.Equal(external, datagram.Local);
        Assert.Equal(Peer, datagram.Remote);
        Assert.Equal(message, datagram.Message.ToArray());
    }

    [Fact]
    public void InjectIke_WildcardExternal_LocalIsTheAddressRoutedTowardsThePeer()
    {
        var sa = CreateTestProbe();
        Assert.True(_spis.TryRegister(0xBEEF, sa.Ref));
        var socket = Start(new IPEndPoint(IPAddress.Any, 45002), CreateTestProbe().Ref, out _);
        var fromLoopback = new IPEndPoint(IPAddress.Loopback, 4500);

        socket.Tell(new InjectIke(fromLoopback, IkeBytes.Message(0x77, 0xBEEF, exchange: 35, messageId: 1, bodyLength: 40)));

        var datagram = sa.ExpectMsg<IkeDatagram>();
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 45002), datagram.Local);
    }

    [Fact]
    public void SendIke_FromExternalEndpoint_GoesThroughTheTransport()
    {
        var external = new IPEndPoint(IPAddress.Any, 45003);
        var socket = Start(external, CreateTestProbe().Ref, out _);
        var message = IkeBytes.Message(0x77, 0xBEEF, exchange: 35, flags: 0x20, messageId: 1, bodyLength: 40);

        socket.Tell(new SendIke(new IPEndPoint(IPAddress.Loopback, 45003), Peer, message));

        AwaitCondition(() => !_sent.IsEmpty, TimeSpan.FromSeconds(3));
        Assert.True(_sent.TryDequeue(out var sent));
        Assert.Equal(message, sent.Message);
        Assert.Equal(Peer, sent.To);
    }
}
