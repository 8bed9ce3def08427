using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>
/// The running tree of DESIGN.md, walked by actor path in a node serving an <c>ipsec-interface = no</c> connection:
/// the handshake's actor is a child of the dispatcher (<c>/user/ike-sas</c>), and once IKE_AUTH has established
/// the SA its actor is a child of the connection's policy-based supervisor (<c>/user/policy-based</c>), named after
/// its SPI. (The ipsecN case runs in a namespace of its own: interop scenario 1 finds the SA under
/// <c>/user/ipsec1</c> in the gateway's log; scenario 13 finds two connections' SAs under <c>/user/ipsec1</c> and <c>/user/ipsec2</c>.)
/// </summary>
public sealed class ActorTreeInProcessTests : IAsyncLifetime
{
    private InProcessResponder _responder = null!;

    public async Task InitializeAsync() => _responder = await InProcessResponder.StartAsync();

    public async Task DisposeAsync() => await _responder.DisposeAsync();

    [Fact]
    public async Task IkeSa_HalfOpenUnderDispatcher_EstablishedUnderItsInterfaceActor()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new UdpInitiator(_responder.Server, InProcessResponder.Identity, InProcessResponder.Secret, socket);
        var system = _responder.Node.System;

        IkeSaResult auth = await ExchangeAsync(socket, client.Sa, client.Sa.Initiate().Message!);
        Assert.False(auth.IsDropped, auth.Detail);

        ActorPath halfOpen = Assert.Single(await ChildrenAsync(system, "/user/ike-sas"));
        Assert.Empty(await ChildrenAsync(system, "/user/policy-based"));
        Assert.Equal(1, (await _responder.Node.SaStatsAsync()).HalfOpen);

        IkeSaResult done = await ExchangeAsync(socket, client.Sa, auth.Message!);
        Assert.False(done.IsDropped, done.Detail);
        Assert.Equal(IkeSaState.Established, client.Sa.State);

        await _responder.EventuallyAsync(async () => (await ChildrenAsync(system, "/user/ike-sas")).Count == 0, "the handshake's actor stops");
        ActorPath established = Assert.Single(await ChildrenAsync(system, "/user/policy-based"));
        Assert.Equal($"ike-{client.Sa.ResponderSpi:x16}", established.Name);
        Assert.NotEqual(halfOpen, established);
        var stats = await _responder.Node.SaStatsAsync();
        Assert.Equal((0, 1, 1L), (stats.HalfOpen, stats.Live, stats.Created));

        // The SPI table routes to the moved actor: it answers a liveness check, and the client's Delete ends it.
        IkeSaResult dpd = await ExchangeAsync(socket, client.Sa, client.Sa.InitiateDpd().Message!);
        Assert.False(dpd.IsDropped, dpd.Detail);
        Assert.Equal(IkeSaState.Deleted, await client.DeleteAsync());
        await _responder.EventuallyAsync(async () => (await ChildrenAsync(system, "/user/policy-based")).Count == 0, "the SA's actor stops");
        Assert.Equal(0, _responder.Node.Served[0].Pools.Online);
    }

    /// <summary>The children of <paramref name="parent"/>, by Identify through a wildcard selection.</summary>
    private static async Task<List<ActorPath>> ChildrenAsync(ActorSystem system, string parent)
    {
        var inbox = Inbox.Create(system);
        system.ActorSelection(parent + "/*").Tell(new Identify(null), inbox.Receiver);
        var found = new List<ActorPath>();
        while (true)
        {
            object answer;
            try
            {
                answer = await inbox.ReceiveAsync(TimeSpan.FromMilliseconds(300));
            }
            catch (Exception e) when (e is TimeoutException || e.InnerException is TimeoutException)
            {
                return found;
            }

            if (answer is ActorIdentity { Subject: { } subject })
            {
                found.Add(subject.Path);
            }
        }
    }

    private static async Task<IkeSaResult> ExchangeAsync(Socket socket, IkeSa sa, byte[] request)
    {
        var server = (IPEndPoint)sa.RemoteEndpoint;
        await socket.SendToAsync(request, server);
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return sa.ProcessResponse(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, (IPEndPoint)socket.LocalEndPoint!);
    }
}
