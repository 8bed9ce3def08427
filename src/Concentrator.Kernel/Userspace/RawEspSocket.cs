using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// Plain ESP (IP protocol 50) for SAs without UDP encapsulation, i.e. when no NAT was detected: a raw
/// socket per address family. The kernel builds the outer IP header on send; on receive an IPv4 raw socket
/// delivers the IP header too (skipped here), an IPv6 one does not. Without an ESP handler in the kernel
/// (this machine) every ESP packet reaches the raw socket and nothing else.
/// </summary>
internal sealed class RawEspSocket : IDisposable
{
    private const int EspProtocol = 50;
    private readonly Socket _socket;
    private readonly DataplaneCounters _counters;
    private Thread? _thread;
    private volatile bool _stopping;

    private RawEspSocket(Socket socket, DataplaneCounters counters)
    {
        _socket = socket;
        _counters = counters;
    }

    public AddressFamily AddressFamily => _socket.AddressFamily;

    public EspPacketHandler? EspReceived { get; set; }

    /// <summary>Opens and binds a raw ESP socket on <paramref name="local"/> (any address allowed), in a namespace when given.</summary>
    public static RawEspSocket Open(IPAddress local, DataplaneCounters counters, string? networkNamespacePath = null)
    {
        if (networkNamespacePath is not null)
        {
            return NetworkNamespace.Run(networkNamespacePath, () => Open(local, counters));
        }

        // .NET maps only the protocol numbers it knows and refuses 50 (EPROTONOSUPPORT), so the socket is made
        // with socket(2) and adopted.
        int fd = Tmds.Linux.LibC.socket(local.AddressFamily == AddressFamily.InterNetworkV6 ? Tmds.Linux.LibC.AF_INET6 : Tmds.Linux.LibC.AF_INET, Tmds.Linux.LibC.SOCK_RAW | Tmds.Linux.LibC.SOCK_CLOEXEC, EspProtocol);
        if (fd < 0)
        {
            throw new IOException($"socket(SOCK_RAW, IPPROTO_ESP) failed: errno {Tmds.Linux.LibC.errno}");
        }

        var s = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        try
        {
            s.ReceiveBufferSize = 4 << 20;
            s.Bind(new IPEndPoint(local, 0));
            return new RawEspSocket(s, counters);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    public SocketAddress Serialize(IPAddress peer) => new IPEndPoint(peer, 0).Serialize();

    public void Start()
    {
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "raw-esp " + _socket.AddressFamily };
        _thread.Start();
    }

    public bool Send(ReadOnlySpan<byte> packet, SocketAddress peer) => _socket.TrySendTo(packet, peer);

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread?.Join(2000);
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[65_536];
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_stopping)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (Exception) when (_stopping || _socket.SafeHandle.IsClosed)
            {
                return;
            }
            catch (SocketException)
            {
                _counters.Drop(EspDrop.IoError);
                continue;
            }

            var packet = buffer.AsSpan(0, n);
            if (_socket.AddressFamily == AddressFamily.InterNetwork)
            {
                int ihl = n > 0 ? (packet[0] & 0xF) * 4 : 0;
                if (ihl < 20 || ihl > n)
                {
                    _counters.Drop(EspDrop.Truncated);
                    continue;
                }

                packet = packet[ihl..];
            }

            if (packet.Length < 8)
            {
                _counters.Drop(EspDrop.Truncated);
                continue;
            }

            try
            {
                if (EspReceived is { } handler)
                {
                    handler(packet);
                }
            }
            catch (Exception)
            {
                _counters.Drop(EspDrop.IoError);
            }
        }
    }
}
