using System.Net;
using System.Net.Sockets;
using Akka.Actor;

namespace Concentrator.Server.Radius;

// The receive side: one async loop on the thread pool; touches only the socket and the actor's reference.
public sealed partial class RadiusClientActor
{
    private static async Task ReceiveLoop(Socket socket, IActorRef self, CancellationToken stop)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(RadiusConstants.MaxPacketLength + 1);
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                // An ICMP error for an earlier send (a server that is down), or an oversized datagram: nothing to hand on.
                continue;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return;
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            if (from.Address.IsIPv4MappedToIPv6)
            {
                from = new IPEndPoint(from.Address.MapToIPv4(), from.Port);
            }

            self.Tell(new ReceivedDatagram(from, buffer.AsSpan(0, received.ReceivedBytes).ToArray()));
        }
    }
}
