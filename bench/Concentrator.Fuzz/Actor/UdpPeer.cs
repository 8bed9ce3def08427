using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Concentrator.Fuzz.Corpus;
using Concentrator.Ike;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Fuzz.Actor;

/// <summary>Our initiator (the pure <see cref="IkeSa"/>) over its own UDP socket: a real road warrior whose SA the
/// node holds, plus the initiator-side cipher with which the harness seals inputs for that SA.</summary>
internal sealed class UdpPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[65535];
    private SkCipherPair? _keys;

    public UdpPeer(IPEndPoint server, string identity, string secret)
    {
        Server = server;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Local = (IPEndPoint)_socket.LocalEndPoint!;
        var psk = new PskAuthenticator((_, _) => System.Text.Encoding.UTF8.GetBytes(secret));
        var config = new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, "aes256gcm16-prfsha256-x25519"),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, "aes256gcm16"),
            LocalIdentity = IkeIdentity.Parse(identity),
            LocalAuthenticator = psk,
            RemoteAuthenticators = [psk],
            RequestVirtualIp4 = true,
        };
        Sa = IkeSa.CreateInitiator(config, new IkeSaServices(), Local, server);
    }

    public IPEndPoint Server { get; }

    public IPEndPoint Local { get; }

    public IkeSa Sa { get; }

    private uint _nextId = 2;
    private int _answers;

    /// <summary>The responder's next expected request ID, as far as this peer knows.</summary>
    public uint NextId
    {
        get => Volatile.Read(ref _nextId);
        set => Volatile.Write(ref _nextId, value);
    }

    /// <summary>Responses to the harness's own requests seen by <see cref="Listen"/>.</summary>
    public int Answers => Volatile.Read(ref _answers);

    /// <summary>From now on a background loop reads the socket: a response carrying <see cref="NextId"/> moves it on.
    /// (The harness then only sends; the exchange methods below must not be used any more.)</summary>
    public void Listen(CancellationToken stop) => _ = Task.Run(async () =>
    {
        var buffer = new byte[65535];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                SocketReceiveFromResult received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop);
                uint id = received.ReceivedBytes >= 28 ? BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(20)) : 0;
                if (received.ReceivedBytes >= 28 && (buffer[19] & 0x20) != 0 && Interlocked.CompareExchange(ref _nextId, id + 1, id) == id)
                {
                    Interlocked.Increment(ref _answers);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }, stop);

    public async Task SendAsync(byte[] datagram) => await _socket.SendToAsync(datagram, Server);

    public ISkCipher Sealing => _keys!.Outbound;

    public MessageHead Head(ExchangeType exchange) =>
        new(Sa.InitiatorSpi, Sa.ResponderSpi, exchange, IkeHeaderFlags.Initiator, NextId);

    public async Task<bool> ConnectAsync()
    {
        IkeSaResult? auth = await ExchangeAsync(Sa.Initiate());
        IkeSaResult? done = auth is null ? null : await ExchangeAsync(auth);
        if (done is null || Sa.State != IkeSaState.Established)
        {
            return false;
        }

        _keys = Sa.Keymat!.CreateSkCiphers(isInitiator: true);
        return true;
    }

    /// <summary>A real DPD from the initiator itself (its own Message ID counter).</summary>
    public async Task<bool> DpdAsync() => await ExchangeAsync(Sa.InitiateDpd()) is not null;

    /// <summary>Sends a request the harness sealed and waits for the response with its Message ID.</summary>
    public async Task<bool> SendSealedAsync(byte[] datagram, TimeSpan timeout)
    {
        uint id = BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(20));
        await _socket.SendToAsync(datagram, Server);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                SocketReceiveFromResult received = await _socket.ReceiveFromAsync(_buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancel.Token);
                if (received.ReceivedBytes >= 28 && (_buffer[19] & 0x20) != 0 && BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(20)) == id)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends the request (retransmitting twice) until a response the SA accepts arrives; null on timeout.</summary>
    private async Task<IkeSaResult?> ExchangeAsync(IkeSaResult request)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            foreach (byte[] datagram in request.Outbound)
            {
                await _socket.SendToAsync(datagram, Server);
            }

            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (true)
                {
                    SocketReceiveFromResult received = await _socket.ReceiveFromAsync(_buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancel.Token);
                    IkeSaResult result = Sa.Process(_buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, Local);
                    if (!result.IsDropped)
                    {
                        return result;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        return null;
    }

    public void Dispose()
    {
        _keys?.Dispose();
        Sa.Dispose();
        _socket.Dispose();
    }
}
