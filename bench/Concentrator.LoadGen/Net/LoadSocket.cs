using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Concentrator.LoadGen.Net;

/// <summary>
/// One UDP socket (one source port) shared by many clients, with its receive loop. IKE on port 4500 carries
/// the non-ESP marker (RFC 3948 §2.2: four zero octets where ESP has its SPI); the loop strips it and drops
/// NAT keepalives (a single 0xFF) and ESP, so the handler only sees IKE messages.
/// </summary>
public sealed class LoadSocket : IDisposable
{
    private const int MaxDatagram = 65535;
    private readonly Socket _socket;

    public LoadSocket(IPEndPoint bind)
    {
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
        LocalEndpoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndpoint { get; }

    /// <summary>Datagrams from 4500 that were neither IKE nor keepalives (ESP), ignored.</summary>
    public long NonIkeDatagrams { get; private set; }

    /// <summary>Sends one IKE message, behind the non-ESP marker when <paramref name="natTraversal"/>.</summary>
    public void Send(byte[] message, IPEndPoint to, bool natTraversal)
    {
        if (!natTraversal)
        {
            _socket.SendTo(message, SocketFlags.None, to);
            return;
        }

        Span<byte> framed = message.Length <= 4096 ? stackalloc byte[message.Length + 4] : new byte[message.Length + 4];
        framed[..4].Clear();
        message.CopyTo(framed[4..]);
        _socket.SendTo(framed, SocketFlags.None, to);
    }

    /// <summary>Receives until cancelled or closed, calling <paramref name="handler"/> with each IKE message (a
    /// fresh array, which the SA may keep) and its sender.</summary>
    public async Task ReceiveLoopAsync(int natTraversalPort, Action<LoadSocket, byte[], IPEndPoint> handler, CancellationToken cancel)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        EndPoint any = new IPEndPoint(LocalEndpoint.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!cancel.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // ICMP port unreachable from an earlier send: the retransmission timer handles the loss.
                continue;
            }

            var from = (IPEndPoint)r.RemoteEndPoint;
            ReadOnlySpan<byte> data = buffer.AsSpan(0, r.ReceivedBytes);
            if (from.Port == natTraversalPort)
            {
                if (data.Length < 4 + 28 || BinaryPrimitives.ReadUInt32BigEndian(data) != 0)
                {
                    NonIkeDatagrams++;
                    continue;
                }

                data = data[4..];
            }

            handler(this, data.ToArray(), from);
        }
    }

    public void Dispose() => _socket.Dispose();
}
