using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Concentrator.Ike;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>Issue 10, defect 1 over real UDP: one unauthenticated SKF datagram with an SA's SPIs, its next
/// Message ID and Total Fragments 65 must leave the SA (established or half-open) as it was: RFC 7383 §2.6.2.</summary>
public sealed class ForgedFragmentInProcessTests : IAsyncLifetime
{
    private InProcessResponder _responder = null!;

    public async Task InitializeAsync() => _responder = await InProcessResponder.StartAsync();

    public async Task DisposeAsync() => await _responder.DisposeAsync();

    [Fact]
    public async Task ForgedFragment_EstablishedSa_StaysEstablishedWithItsLeaseAndAnswersDpd()
    {
        using var socket = Bound();
        using var client = new UdpInitiator(_responder.Server, InProcessResponder.Identity, InProcessResponder.Secret, socket);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        Assert.Equal(1, _responder.Node.Served[0].Pools.Online);

        using var attacker = Bound();
        // The client's next request would carry Message ID 2 (IKE_SA_INIT 0, IKE_AUTH 1).
        await attacker.SendToAsync(Forged(client.Sa, ExchangeType.Informational, 2), _responder.Server);
        await AssertNoAnswerAsync(attacker);

        // The DPD's answer proves the SA actor still runs and processed the forged datagram before it.
        IkeSaResult dpd = await ExchangeAsync(socket, client.Sa, client.Sa.InitiateDpd().Message!);
        Assert.False(dpd.IsDropped, dpd.Detail);
        Assert.Equal(IkeSaState.Established, client.Sa.State);
        Assert.Equal(1, (await _responder.Node.SaStatsAsync()).Live);
        Assert.Equal(1, _responder.Node.Served[0].Pools.Online);
    }

    [Fact]
    public async Task ForgedFragment_HalfOpenSa_StaysAliveAndIkeAuthCompletes()
    {
        using var socket = Bound();
        using var client = new UdpInitiator(_responder.Server, InProcessResponder.Identity, InProcessResponder.Secret, socket);
        IkeSaResult auth = await ExchangeAsync(socket, client.Sa, client.Sa.Initiate().Message!);
        Assert.False(auth.IsDropped, auth.Detail);

        using var attacker = Bound();
        await attacker.SendToAsync(Forged(client.Sa, ExchangeType.IkeAuth, 1), _responder.Server);
        await AssertNoAnswerAsync(attacker);

        IkeSaResult done = await ExchangeAsync(socket, client.Sa, auth.Message!);
        Assert.False(done.IsDropped, done.Detail);
        Assert.Equal(IkeSaState.Established, client.Sa.State);
        Assert.True(IPNetwork.Parse(InProcessResponder.Pool).Contains(Assert.Single(client.Sa.VirtualIps)));
        Assert.Equal(1, _responder.Node.Served[0].Pools.Online);
    }

    /// <summary>What an attacker who saw the SPIs can send: SKF fragment 1 of 65 with a body nobody sealed.</summary>
    private static byte[] Forged(IkeSa sa, ExchangeType exchange, uint messageId)
    {
        var datagram = new byte[IkeConstants.HeaderLength + IkeConstants.FragmentPayloadHeaderLength + 80];
        BinaryPrimitives.WriteUInt64BigEndian(datagram, sa.InitiatorSpi);
        BinaryPrimitives.WriteUInt64BigEndian(datagram.AsSpan(8), sa.ResponderSpi);
        datagram[16] = (byte)PayloadType.EncryptedFragment;
        datagram[17] = 0x20;
        datagram[18] = (byte)exchange;
        datagram[19] = (byte)IkeHeaderFlags.Initiator;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(20), messageId);
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(24), (uint)datagram.Length);
        datagram[28] = (byte)PayloadType.IdInitiator;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(30), (ushort)(datagram.Length - IkeConstants.HeaderLength));
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(32), 1);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(34), 65);
        Random.Shared.NextBytes(datagram.AsSpan(36));
        return datagram;
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static async Task AssertNoAnswerAsync(Socket attacker)
    {
        var buffer = new byte[65535];
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            var received = await attacker.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), quiet.Token);
            Assert.Fail($"the forged datagram was answered ({received.ReceivedBytes} octets)");
        }
        catch (OperationCanceledException)
        {
            // Silence: RFC 7383 §2.6.2 drops what fails its integrity check.
        }
    }

    private async Task<IkeSaResult> ExchangeAsync(Socket socket, IkeSa sa, byte[] request)
    {
        await socket.SendToAsync(request, _responder.Server);
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return sa.ProcessResponse(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint,
            (IPEndPoint)socket.LocalEndPoint!);
    }
}
