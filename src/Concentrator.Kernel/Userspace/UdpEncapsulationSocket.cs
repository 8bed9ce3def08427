using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Userspace;

/// <summary>What a datagram on UDP 4500 is (RFC 3948 sections 2.2, 2.3 and 3).</summary>
public enum UdpDatagramKind
{
    /// <summary>Starts with the 4-zero-octet non-ESP marker: an IKE message follows.</summary>
    Ike,

    /// <summary>A single 0xFF octet: NAT keepalive, ignored.</summary>
    Keepalive,

    /// <summary>Anything else long enough: ESP, first four octets are the (non-zero) SPI.</summary>
    Esp,

    /// <summary>Too short to be any of them.</summary>
    Invalid,
}

/// <summary>
/// A UDP socket on port 4500 that IKE and the userspace ESP dataplane share (one per listen address), like the
/// kernel's UDP_ENCAP_ESPINUDP socket: a receive loop on a dedicated thread splits datagrams by their first octets
/// and hands IKE messages (non-ESP marker removed) to <see cref="IkeReceived"/>, ESP packets to the ESP
/// handler, and drops keepalives and garbage (counted). The IKE side sends through <see cref="SendIke"/>,
/// which puts the marker back.
/// </summary>
public sealed class UdpEncapsulationSocket : IDisposable
{
    public const int NonEspMarkerLength = 4;
    private const int BufferSize = 65_536;
    private readonly Socket _socket;
    private readonly DataplaneCounters _counters;
    private Thread? _thread;
    private volatile bool _stopping;

    private UdpEncapsulationSocket(Socket socket, DataplaneCounters counters)
    {
        _socket = socket;
        _counters = counters;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The bound address and port (read once at bind).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => _socket.AddressFamily;

    /// <summary>Called on the receive thread with an IKE message (marker stripped), its sender and <see cref="LocalEndPoint"/>; copy to keep.</summary>
    public IkeOverUdpReceived? IkeReceived { get; set; }

    /// <summary>Called on the receive thread with an ESP packet (SPI first), which it may modify in place.</summary>
    internal EspPacketHandler? EspReceived { get; set; }

    public DataplaneCounters Counters => _counters;

    /// <summary>
    /// Binds UDP <paramref name="local"/>, inside a network namespace when given. An IPv6 socket is IPv6 only
    /// (IPV6_V6ONLY): "::" next to "0.0.0.0" in the listen list must not collide with the IPv4 socket on the same
    /// port, and each family's traffic leaves from a socket of its own family.
    /// </summary>
    public static UdpEncapsulationSocket Bind(IPEndPoint local, string? networkNamespacePath = null, DataplaneCounters? counters = null)
    {
        if (networkNamespacePath is not null)
        {
            return NetworkNamespace.Run(networkNamespacePath, () => Bind(local, null, counters));
        }

        var s = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6)
            {
                s.DualMode = false;
            }

            s.ReceiveBufferSize = 4 << 20;
            s.SendBufferSize = 4 << 20;
            s.Bind(local);
            return new UdpEncapsulationSocket(s, counters ?? new DataplaneCounters());
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    public static UdpDatagramKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length == 1 && datagram[0] == 0xFF)
        {
            return UdpDatagramKind.Keepalive;
        }

        if (datagram.Length >= NonEspMarkerLength && BinaryPrimitives.ReadUInt32BigEndian(datagram) == 0)
        {
            return UdpDatagramKind.Ike;
        }

        // RFC 3948 section 2.2: SPI (4) + sequence number (4) at least; SPI 0 is the marker, never an SA.
        return datagram.Length >= 8 ? UdpDatagramKind.Esp : UdpDatagramKind.Invalid;
    }

    public void Start()
    {
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = $"udp-encap {LocalEndPoint}" };
        _thread.Start();
    }

    /// <summary>Sends an ESP packet to a peer serialized by <see cref="Serialize"/>.</summary>
    public bool SendEsp(ReadOnlySpan<byte> packet, SocketAddress peer) => _socket.TrySendTo(packet, peer);

    /// <summary>Sends an IKE message on port 4500, prefixed by the non-ESP marker (RFC 3948 section 2.2).</summary>
    public void SendIke(ReadOnlySpan<byte> ikeMessage, EndPoint peer)
    {
        var buffer = new byte[NonEspMarkerLength + ikeMessage.Length];
        ikeMessage.CopyTo(buffer.AsSpan(NonEspMarkerLength));
        _socket.SendTo(buffer, peer);
    }

    /// <summary>The socket address of <paramref name="peer"/>, which must be of this socket's family.</summary>
    public SocketAddress Serialize(IPEndPoint peer) => peer.AddressFamily == _socket.AddressFamily
        ? peer.Serialize()
        : throw new ArgumentException($"{peer} cannot be reached from the {_socket.AddressFamily} socket {LocalEndPoint}", nameof(peer));

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        if (_thread is not null && _thread != Thread.CurrentThread)
        {
            _thread.Join(2000);
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[BufferSize];
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_stopping)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                _counters.Drop(EspDrop.Oversized);
                continue;
            }
            catch (SocketException) when (!_stopping)
            {
                _counters.Drop(EspDrop.IoError);
                continue;
            }
            catch (Exception) when (_stopping || _socket.SafeHandle.IsClosed)
            {
                return;
            }

            try
            {
                Dispatch(buffer.AsSpan(0, n), from);
            }
            catch (Exception)
            {
                // A handler bug must not end the receive loop: the datagram is lost and counted.
                _counters.Drop(EspDrop.IoError);
            }
        }
    }

    private void Dispatch(Span<byte> datagram, SocketAddress from)
    {
        switch (Classify(datagram))
        {
            case UdpDatagramKind.Keepalive:
                _counters.Keepalive();
                break;
            case UdpDatagramKind.Ike:
                _counters.Ike();
                if (IkeReceived is { } ike)
                {
                    // Low rate: copying and a fresh endpoint per IKE message are fine.
                    var sender = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(from);
                    ike(datagram[NonEspMarkerLength..].ToArray(), (IPEndPoint)sender, LocalEndPoint);
                }

                break;
            case UdpDatagramKind.Esp:
                if (EspReceived is { } esp)
                {
                    esp(datagram);
                }
                else
                {
                    _counters.Drop(EspDrop.NoSa);
                }

                break;
            default:
                _counters.Drop(EspDrop.Truncated);
                break;
        }
    }
}

/// <summary>Receives one ESP packet (modifiable in place) from the shared socket.</summary>
internal delegate void EspPacketHandler(Span<byte> packet);
