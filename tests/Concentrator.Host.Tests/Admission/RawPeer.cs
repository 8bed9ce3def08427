using System.Net;
using System.Net.Sockets;
using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Host.Tests.Admission;

/// <summary>A UDP socket on 127.0.0.1 that sends raw IKE messages to a node and reads what comes back, plus our
/// own initiator (the pure <see cref="IkeSa"/>) for handshakes that must run through COOKIE rounds.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public RawPeer(IPEndPoint server)
    {
        Server = server;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Local = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint Server { get; }

    public IPEndPoint Local { get; }

    /// <summary>A new initiator IKE SA of the test connection's identity and PSK.</summary>
    public IkeSa NewInitiator()
    {
        var psk = new PskAuthenticator((_, _) => System.Text.Encoding.UTF8.GetBytes(TestGateway.DefaultSecret));
        var config = new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, "aes256gcm16-prfsha256-x25519"),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, "aes256gcm16"),
            LocalIdentity = IkeIdentity.Parse(TestGateway.DefaultIdentity),
            LocalAuthenticator = psk,
            RemoteAuthenticators = [psk],
            RequestVirtualIp4 = true,
        };
        return IkeSa.CreateInitiator(config, new IkeSaServices(), Local, Server);
    }

    public void Send(byte[] message) => _socket.SendTo(message, Server);

    /// <summary>The next datagram, or null when none came within <paramref name="timeout"/>.</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan timeout)
    {
        var buffer = new byte[65535];
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancel.Token);
            return buffer[..received.ReceivedBytes];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Every datagram that arrives until none has come for <paramref name="quiet"/>.</summary>
    public async Task<List<IkeMessage>> DrainAsync(TimeSpan quiet)
    {
        var all = new List<IkeMessage>();
        while (await ReceiveAsync(quiet) is { } datagram)
        {
            all.Add(IkeMessage.Parse(datagram));
        }

        return all;
    }

    /// <summary>Runs <paramref name="sa"/>'s handshake to the end (following COOKIE rounds); the state afterwards.</summary>
    public async Task<IkeSaState> ConnectAsync(IkeSa sa)
    {
        byte[]? next = sa.Initiate().Message;
        for (int round = 0; next is not null && round < 6; round++)
        {
            Send(next);
            byte[] answer = await ReceiveAsync(TimeSpan.FromSeconds(5)) ?? throw new TimeoutException($"no answer in round {round}");
            next = sa.ProcessResponse(answer, Server, Local).Message;
        }

        return sa.State;
    }

    public void Dispose() => _socket.Dispose();
}
