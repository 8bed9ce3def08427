using System.Net;
using System.Net.Sockets;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>A RADIUS server in the test process on 127.0.0.1 and a port the kernel picks: every request that parses
/// is handed to <see cref="Answer"/>, whose datagrams (zero or more) go back to the sender. For the cases a real
/// server will not produce (silence for one user, forged replies, unknown attributes).</summary>
internal sealed class FakeRadiusServer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private int _received;

    public FakeRadiusServer(byte[] secret)
    {
        Secret = secret;
        _ = Task.Run(Loop);
    }

    public byte[] Secret { get; }

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public int Received => Volatile.Read(ref _received);

    /// <summary>Given a request, the datagrams to send back.</summary>
    public Func<RadiusPacket, IEnumerable<byte[]>> Answer { get; set; } = _ => [];

    public RadiusServer AsServer() => new(IPAddress.Loopback, Port, Port, System.Text.Encoding.UTF8.GetString(Secret));

    /// <summary>A reply of <paramref name="code"/> to <paramref name="request"/>, authenticated with the server's secret.</summary>
    public byte[] Reply(RadiusPacket request, RadiusCode code, IEnumerable<RadiusAttribute> attributes, byte[]? eap = null) =>
        RadiusEncoder.Reply(code, request.Identifier, request.Authenticator.Span, attributes, eap, Secret, messageAuthenticator: eap is not null || code != RadiusCode.AccountingResponse);

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _stop.Dispose();
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult r;
            try
            {
                r = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _received);
            if (!RadiusPacket.TryParse(r.Buffer, out var request, out _))
            {
                continue;
            }

            foreach (var datagram in Answer(request!))
            {
                await _udp.SendAsync(datagram, r.RemoteEndPoint);
            }
        }
    }
}
