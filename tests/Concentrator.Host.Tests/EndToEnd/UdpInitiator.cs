using System.Net;
using System.Net.Sockets;
using Concentrator.Ike;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>Our own IKEv2 initiator (the pure <see cref="IkeSa"/> in the initiator role) over a real UDP socket:
/// a road warrior asking for a virtual IP, authenticating with a PSK.</summary>
internal sealed class UdpInitiator : IDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;

    /// <param name="eap">When set, the initiator authenticates with EAP (the gateway still with <paramref name="secret"/>).</param>
    public UdpInitiator(IPEndPoint server, string identity, string secret, Socket? socket = null, bool initialContact = true, EapClientConfig? eap = null)
    {
        Server = server;
        _socket = socket ?? new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (!_socket.IsBound)
        {
            _socket.Bind(new IPEndPoint(server.Address, 0));
        }

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
            SendInitialContact = initialContact,
            LocalEap = eap,
        };
        Sa = IkeSa.CreateInitiator(config, new IkeSaServices(), Local, server);
    }

    public IPEndPoint Server { get; }

    public IPEndPoint Local { get; }

    public IkeSa Sa { get; }

    public List<string> Trace { get; } = [];

    /// <summary>IKE_SA_INIT and IKE_AUTH; returns the state afterwards (Established or Failed).</summary>
    public async Task<IkeSaState> ConnectAsync()
    {
        var auth = await ExchangeAsync(Sa.Initiate().Message!);
        Assert.False(auth.IsDropped, auth.Detail);
        var done = await ExchangeAsync(auth.Message!);
        Assert.False(done.IsDropped, done.Detail);
        return Sa.State;
    }

    /// <summary>IKE_SA_INIT and the IKE_AUTH rounds of EAP until the SA is established or failed (or the responder
    /// stops answering: a timeout surfaces as <see cref="OperationCanceledException"/>).</summary>
    public async Task<IkeSaState> ConnectEapAsync(TimeSpan? receiveTimeout = null)
    {
        var result = await ExchangeAsync(Sa.Initiate().Message!, receiveTimeout);
        while (!result.IsDropped && result.Outbound.Count > 0 && Sa.State is IkeSaState.Created or IkeSaState.Connecting)
        {
            Trace.Add($"{result.Outbound.Count} out, {result.Detail}");
            result = await ExchangeAsync(result.Outbound[^1], receiveTimeout);
        }

        Trace.Add($"end {Sa.State} {result.Outbound.Count} out, {result.Detail} {result.Drop}");

        Assert.False(result.IsDropped, result.Detail);
        return Sa.State;
    }

    /// <summary>INFORMATIONAL with DELETE of the IKE SA; returns the state afterwards.</summary>
    public async Task<IkeSaState> DeleteAsync()
    {
        var result = await ExchangeAsync(Sa.InitiateDelete().Message!);
        Assert.False(result.IsDropped, result.Detail);
        return Sa.State;
    }

    /// <summary>Waits for a request from the gateway (e.g. its INFORMATIONAL Delete), processes it and sends the
    /// answer; returns the state afterwards (Deleted after a Delete of the IKE SA).</summary>
    public async Task<IkeSaState> AnswerRequestAsync(TimeSpan timeout)
    {
        var buffer = new byte[65535];
        using var cancel = new CancellationTokenSource(timeout);
        var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancel.Token);
        var result = Sa.ProcessRequest(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, Local);
        Assert.False(result.IsDropped, result.Detail);
        foreach (var datagram in result.Outbound)
        {
            await _socket.SendToAsync(datagram, received.RemoteEndPoint);
        }

        return Sa.State;
    }

    public void Dispose()
    {
        Sa.Dispose();
        _socket.Dispose();
    }

    private async Task<IkeSaResult> ExchangeAsync(byte[] request, TimeSpan? receiveTimeout = null)
    {
        await _socket.SendToAsync(request, Server);
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(receiveTimeout ?? ReceiveTimeout);
        var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return Sa.ProcessResponse(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, Local);
    }
}
