using System.Runtime.InteropServices;
using System.Text;
using Concentrator.Kernel.Netlink;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// A layer-3 TUN device (<c>/dev/net/tun</c>, IFF_TUN | IFF_NO_PI): the kernel routes inner packets into it
/// and we read them as plain IP packets; packets we write appear as received on it. It stands in for the
/// xfrm interface ipsecN. The device lives as long as the file descriptor (not persistent), and it belongs
/// to the network namespace of the thread that created it.
/// </summary>
public sealed unsafe class TunDevice : IDisposable
{
    // linux/if_tun.h and linux/sockios.h.
    private const int TUNSETIFF = 0x400454ca;
    private const short IFF_TUN = 0x0001;
    private const short IFF_NO_PI = 0x1000;
    private const int SIOCGIFFLAGS = 0x8913;
    private const int SIOCSIFFLAGS = 0x8914;
    private const int SIOCSIFMTU = 0x8922;
    private const int SIOCGIFINDEX = 0x8933;
    private const short IFF_UP = 0x1;
    private const int IFNAMSIZ = 16;

    private int _fd;
    private int _wakeFd;

    private TunDevice(int fd, int wakeFd, string name, int index, int mtu)
    {
        _fd = fd;
        _wakeFd = wakeFd;
        Name = name;
        InterfaceIndex = index;
        Mtu = mtu;
    }

    public string Name { get; }

    public int InterfaceIndex { get; }

    public int Mtu { get; }

    /// <summary>Creates (or attaches to) TUN device <paramref name="name"/>, sets its MTU and brings it up.</summary>
    public static TunDevice Create(string name, int mtu, string? networkNamespacePath = null)
    {
        if (networkNamespacePath is not null)
        {
            return NetworkNamespace.Run(networkNamespacePath, () => Create(name, mtu));
        }

        if (Encoding.ASCII.GetByteCount(name) >= IFNAMSIZ)
        {
            throw new ArgumentException($"interface name '{name}' is longer than {IFNAMSIZ - 1}", nameof(name));
        }

        int fd;
        fixed (byte* path = "/dev/net/tun\0"u8)
        {
            fd = open(path, O_RDWR | O_CLOEXEC, 0);
        }

        if (fd < 0)
        {
            throw Fail("open /dev/net/tun");
        }

        int ctl = -1;
        int wake = -1;
        try
        {
            IfReq req = default;
            SetName(ref req, name);
            req.Short = IFF_TUN | IFF_NO_PI;
            if (ioctl(fd, TUNSETIFF, &req) != 0)
            {
                throw Fail($"TUNSETIFF {name}");
            }

            // Interface ioctls go through any socket of the namespace.
            ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (ctl < 0)
            {
                throw Fail("socket(AF_INET)");
            }

            IfReq q = default;
            SetName(ref q, name);
            q.Int = mtu;
            if (ioctl(ctl, SIOCSIFMTU, &q) != 0)
            {
                throw Fail($"SIOCSIFMTU {name} {mtu}");
            }

            q = default;
            SetName(ref q, name);
            if (ioctl(ctl, SIOCGIFFLAGS, &q) != 0)
            {
                throw Fail($"SIOCGIFFLAGS {name}");
            }

            q.Short |= IFF_UP;
            if (ioctl(ctl, SIOCSIFFLAGS, &q) != 0)
            {
                throw Fail($"SIOCSIFFLAGS {name} up");
            }

            q = default;
            SetName(ref q, name);
            if (ioctl(ctl, SIOCGIFINDEX, &q) != 0)
            {
                throw Fail($"SIOCGIFINDEX {name}");
            }

            wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (wake < 0)
            {
                throw Fail("eventfd");
            }

            return new TunDevice(fd, wake, name, q.Int, mtu);
        }
        catch
        {
            _ = close(fd);
            if (wake >= 0)
            {
                _ = close(wake);
            }

            throw;
        }
        finally
        {
            if (ctl >= 0)
            {
                _ = close(ctl);
            }
        }
    }

    /// <summary>Blocks until a packet arrives; returns its length, or -1 once the device is disposed.</summary>
    public int Read(Span<byte> buffer)
    {
        pollfd* fds = stackalloc pollfd[2];
        while (true)
        {
            int fd = Volatile.Read(ref _fd);
            if (fd < 0)
            {
                return -1;
            }

            fds[0] = new pollfd { fd = fd, events = (short)POLLIN };
            fds[1] = new pollfd { fd = _wakeFd, events = (short)POLLIN };
            int r = poll(fds, 2, -1);
            if (r < 0)
            {
                if (errno == EINTR)
                {
                    continue;
                }

                return -1;
            }

            if (((ushort)fds[1].revents & POLLIN) != 0 || Volatile.Read(ref _fd) < 0)
            {
                return -1;
            }

            int rev = (ushort)fds[0].revents;
            if ((rev & 0x38) != 0 && (rev & 0x1) == 0) // POLLERR | POLLHUP | POLLNVAL without POLLIN
            {
                return -1;
            }

            fixed (byte* p = buffer)
            {
                long n = read(fd, p, buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }

                int e = errno;
                if (e != EINTR && e != EAGAIN)
                {
                    return -1;
                }
            }
        }
    }

    /// <summary>Hands a decrypted inner packet to the kernel as if received on this device.</summary>
    public bool Write(ReadOnlySpan<byte> packet)
    {
        int fd = Volatile.Read(ref _fd);
        if (fd < 0)
        {
            return false;
        }

        fixed (byte* p = packet)
        {
            return write(fd, p, packet.Length) == packet.Length;
        }
    }

    /// <summary>Wakes the reader and closes the device (which removes it from the namespace).</summary>
    public void Dispose()
    {
        int wake = _wakeFd;
        if (wake >= 0)
        {
            ulong one = 1;
            _ = write(wake, &one, sizeof(ulong));
        }

        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            // Give a reader blocked in poll a moment to see the wake-up before the descriptor number is reused.
            Thread.Sleep(10);
            _ = close(fd);
        }

        int w = Interlocked.Exchange(ref _wakeFd, -1);
        if (w >= 0)
        {
            _ = close(w);
        }
    }

    private static void SetName(ref IfReq req, string name)
    {
        fixed (byte* n = req.Name)
        {
            var span = new Span<byte>(n, IFNAMSIZ);
            span.Clear();
            Encoding.ASCII.GetBytes(name, span);
        }
    }

    private static IOException Fail(string what)
    {
        int e = errno;
        return new IOException($"{what} failed: errno {e} ({Marshal.GetPInvokeErrorMessage(e)})") { HResult = e };
    }

    /// <summary>struct ifreq (net/if.h): a 16-byte name and a 24-byte union; we use its short and int members.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 40)]
    private struct IfReq
    {
        [FieldOffset(0)]
        public fixed byte Name[IFNAMSIZ];

        [FieldOffset(IFNAMSIZ)]
        public short Short;

        [FieldOffset(IFNAMSIZ)]
        public int Int;
    }
}
