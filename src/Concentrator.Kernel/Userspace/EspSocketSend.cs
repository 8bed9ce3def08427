using System.Net;
using System.Net.Sockets;

namespace Concentrator.Kernel.Userspace;

/// <summary>How both ESP sockets (raw protocol 50 and UDP 4500) send one packet.</summary>
internal static class EspSocketSend
{
    /// <summary>
    /// Sends the whole packet to <paramref name="peer"/>; false when the socket refuses it or is already
    /// closed. A lost ESP packet is the dataplane's normal failure, so it never throws.
    /// </summary>
    public static bool TrySendTo(this Socket socket, ReadOnlySpan<byte> packet, SocketAddress peer)
    {
        try
        {
            return socket.SendTo(packet, SocketFlags.None, peer) == packet.Length;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
