using System.Runtime.InteropServices;
using Concentrator.Kernel.Netlink.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// One AF_NETLINK socket (NETLINK_XFRM or NETLINK_ROUTE), bound to a kernel-chosen port id. Plain blocking
/// syscalls through Tmds.LibC: the kernel handles a netlink request synchronously inside sendmsg, so every
/// ack of a batch is queued (or dropped, see <see cref="NetlinkReceiveStatus.Overflow"/>) by the time
/// <see cref="Send"/> returns and the writer reads them with <c>MSG_DONTWAIT</c>.
/// <para>
/// A socket belongs for life to the network namespace it was created in; <see cref="Open"/> with a
/// namespace path creates it on a short-lived thread that entered that namespace (see <see cref="NetworkNamespace"/>).
/// </para>
/// </summary>
internal sealed unsafe partial class NetlinkSocket : IDisposable
{
    public const int NetlinkRoute = NetlinkConstants.NETLINK_ROUTE;
    public const int NetlinkXfrm = NetlinkConstants.NETLINK_XFRM;

    private int _fd;

    private NetlinkSocket(int fd, int protocol)
    {
        _fd = fd;
        Protocol = protocol;
    }

    public int Protocol { get; }

    /// <summary>nl_pid the kernel assigned at bind; replies carry it.</summary>
    public uint PortId { get; private set; }

    /// <summary>Receive buffer the kernel actually granted (getsockopt SO_RCVBUF, i.e. twice what was asked).</summary>
    public int ReceiveBufferBytes => GetIntOption(SOL_SOCKET, SO_RCVBUF);

    public int SendBufferBytes => GetIntOption(SOL_SOCKET, SO_SNDBUF);

    /// <summary>True when the kernel accepted NETLINK_EXT_ACK, so errors carry NLMSGERR_ATTR_MSG text.</summary>
    public bool ExtendedAcks { get; private set; }

    /// <summary>True when NETLINK_CAP_ACK is on: error acks echo only the request header, not its payload.</summary>
    public bool CappedAcks { get; private set; }

    public static NetlinkSocket Open(int protocol, NetlinkSocketOptions options, string? networkNamespacePath = null)
    {
        if (networkNamespacePath is not null)
        {
            return NetworkNamespace.Run(networkNamespacePath, () => Open(protocol, options));
        }

        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw Fail("socket(AF_NETLINK)");
        }

        var s = new NetlinkSocket(fd, protocol);
        try
        {
            s.Configure(options);
        }
        catch
        {
            s.Dispose();
            throw;
        }

        return s;
    }

    private void Configure(NetlinkSocketOptions options)
    {
        // Buffer sizes first: FORCE variants ignore net.core.rmem_max/wmem_max (needs CAP_NET_ADMIN), the plain
        // ones are the fallback for an unprivileged run.
        if (options.ReceiveBufferBytes > 0)
        {
            SetBuffer(SO_RCVBUFFORCE, SO_RCVBUF, options.ReceiveBufferBytes);
        }

        if (options.SendBufferBytes > 0)
        {
            SetBuffer(SO_SNDBUFFORCE, SO_SNDBUF, options.SendBufferBytes);
        }

        ExtendedAcks = TrySetIntOption(SOL_NETLINK, NetlinkConstants.NETLINK_EXT_ACK, 1);
        CappedAcks = options.CapAcks && TrySetIntOption(SOL_NETLINK, NetlinkConstants.NETLINK_CAP_ACK, 1);

        SockaddrNl addr = default;
        addr.Family = (ushort)AF_NETLINK;
        if (bind(_fd, (sockaddr*)&addr, (uint)sizeof(SockaddrNl)) != 0)
        {
            throw Fail("bind(AF_NETLINK)");
        }

        socklen_t len = (uint)sizeof(SockaddrNl);
        if (getsockname(_fd, (sockaddr*)&addr, &len) != 0)
        {
            throw Fail("getsockname(AF_NETLINK)");
        }

        PortId = addr.Pid;
        foreach (var group in options.MulticastGroups)
        {
            JoinGroup(group);
        }
    }

    /// <summary>Joins a multicast group by number (e.g. XFRMNLGRP_EXPIRE = 2), not by bitmask.</summary>
    public void JoinGroup(uint group)
    {
        if (!TrySetIntOption(SOL_NETLINK, NetlinkConstants.NETLINK_ADD_MEMBERSHIP, (int)group))
        {
            throw Fail($"NETLINK_ADD_MEMBERSHIP {group}");
        }
    }

    /// <summary>
    /// Sends many netlink messages in one sendmsg: <paramref name="messages"/> are (offset, length) slices of
    /// <paramref name="buffer"/>, one iovec each. The kernel builds one skb of them and processes the messages in
    /// order (netlink_rcv_skb), acking each that asked for it. Returns 0 or the errno.
    /// </summary>
    public int Send(ReadOnlySpan<byte> buffer, ReadOnlySpan<(int Offset, int Length)> messages)
    {
        const int maxIov = 1024; // UIO_MAXIOV
        if (messages.Length is 0 or > maxIov)
        {
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Length, "1..1024 messages per sendmsg");
        }

        SockaddrNl kernel = default;
        kernel.Family = (ushort)AF_NETLINK;
        iovec* iov = stackalloc iovec[messages.Length];
        fixed (byte* p = buffer)
        {
            for (int i = 0; i < messages.Length; i++)
            {
                iov[i].iov_base = p + messages[i].Offset;
                iov[i].iov_len = messages[i].Length;
            }

            msghdr msg = default;
            msg.msg_name = &kernel;
            msg.msg_namelen = (uint)sizeof(SockaddrNl);
            msg.msg_iov = iov;
            msg.msg_iovlen = messages.Length;
            while (true)
            {
                long n = sendmsg(_fd, &msg, 0);
                if (n >= 0)
                {
                    return 0;
                }

                int e = errno;
                if (e != EINTR)
                {
                    return e;
                }
            }
        }
    }

    /// <summary>
    /// Reads one datagram (one skb: an ack, or a dump chunk holding many messages). With MSG_TRUNC the kernel
    /// reports the datagram's real length, so a datagram longer than <paramref name="buffer"/> is detected
    /// (its tail is lost; the caller grows its buffer and recovers).
    /// </summary>
    public NetlinkReceiveResult Receive(Span<byte> buffer, bool wait)
    {
        fixed (byte* p = buffer)
        {
            iovec iov = default;
            iov.iov_base = p;
            iov.iov_len = buffer.Length;
            SockaddrNl from = default;
            msghdr msg = default;
            msg.msg_name = &from;
            msg.msg_namelen = (uint)sizeof(SockaddrNl);
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            int flags = MSG_TRUNC | (wait ? 0 : MSG_DONTWAIT);
            while (true)
            {
                long n = recvmsg(_fd, &msg, flags);
                if (n >= 0)
                {
                    bool truncated = n > buffer.Length || (msg.msg_flags & MSG_TRUNC) != 0;
                    return new NetlinkReceiveResult(NetlinkReceiveStatus.Data, (int)Math.Min(n, buffer.Length), (int)n, truncated);
                }

                int e = errno;
                if (e == EINTR)
                {
                    continue;
                }

                // ENOBUFS: the kernel could not queue some message for us (receive buffer full) and dropped it.
                return e == ENOBUFS ? new NetlinkReceiveResult(NetlinkReceiveStatus.Overflow, 0, 0, false)
                    : e == EAGAIN ? new NetlinkReceiveResult(NetlinkReceiveStatus.WouldBlock, 0, 0, false)
                    : throw Fail("recvmsg(AF_NETLINK)", e);
            }
        }
    }

    /// <summary>
    /// Reads up to <paramref name="results"/>.Length datagrams in one recvmmsg (acks are one datagram each, so
    /// this saves a syscall per ack). Datagram i lands at <c>i * slot</c> in <paramref name="buffer"/>; one
    /// longer than <paramref name="slot"/> is reported truncated. Returns how many were read, 0 with
    /// <paramref name="status"/> WouldBlock/Overflow when none.
    /// </summary>
    public int ReceiveMany(Span<byte> buffer, int slot, Span<NetlinkReceiveResult> results, out NetlinkReceiveStatus status)
    {
        int count = Math.Min(results.Length, buffer.Length / slot);
        var headers = stackalloc MmsgHdr[count];
        var iovs = stackalloc iovec[count];
        fixed (byte* p = buffer)
        {
            for (int i = 0; i < count; i++)
            {
                iovs[i].iov_base = p + (i * slot);
                iovs[i].iov_len = slot;
                headers[i] = default;
                headers[i].Header.msg_iov = &iovs[i];
                headers[i].Header.msg_iovlen = 1;
            }

            while (true)
            {
                int n = recvmmsg(_fd, headers, (uint)count, MSG_DONTWAIT, null);
                if (n > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        bool truncated = (headers[i].Header.msg_flags & MSG_TRUNC) != 0;
                        int len = (int)Math.Min(headers[i].Length, (uint)slot);
                        results[i] = new NetlinkReceiveResult(NetlinkReceiveStatus.Data, len, (int)headers[i].Length, truncated);
                    }

                    status = NetlinkReceiveStatus.Data;
                    return n;
                }

                int e = Marshal.GetLastPInvokeError();
                if (n == 0 || e == EAGAIN)
                {
                    status = NetlinkReceiveStatus.WouldBlock;
                    return 0;
                }

                if (e == ENOBUFS)
                {
                    status = NetlinkReceiveStatus.Overflow;
                    return 0;
                }

                if (e != EINTR)
                {
                    throw Fail("recvmmsg(AF_NETLINK)", e);
                }
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for something to read; true when readable.</summary>
    public bool WaitReadable(int timeoutMs)
    {
        pollfd pfd = default;
        pfd.fd = _fd;
        pfd.events = (short)POLLIN;
        while (true)
        {
            int r = poll(&pfd, 1, timeoutMs);
            if (r >= 0)
            {
                return r > 0;
            }

            if (errno != EINTR)
            {
                throw Fail("poll(AF_NETLINK)");
            }
        }
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = close(fd);
        }
    }

    private void SetBuffer(int forceOption, int plainOption, int bytes)
    {
        if (!TrySetIntOption(SOL_SOCKET, forceOption, bytes) && !TrySetIntOption(SOL_SOCKET, plainOption, bytes))
        {
            throw Fail("setsockopt(buffer size)");
        }
    }

    private bool TrySetIntOption(int level, int name, int value) =>
        setsockopt(_fd, level, name, &value, sizeof(int)) == 0;

    private int GetIntOption(int level, int name)
    {
        int value = 0;
        socklen_t len = sizeof(int);
        return getsockopt(_fd, level, name, &value, &len) == 0 ? value : throw Fail("getsockopt");
    }

    private static IOException Fail(string what, int? error = null)
    {
        int e = error ?? errno;
        return new IOException($"{what} failed: errno {e} ({Marshal.GetPInvokeErrorMessage(e)})") { HResult = e };
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int recvmmsg(int fd, MmsgHdr* msgvec, uint vlen, int flags, void* timeout);

    /// <summary>struct mmsghdr (sys/socket.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MmsgHdr
    {
        public msghdr Header;
        public uint Length;
    }

    /// <summary>struct sockaddr_nl (linux/netlink.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }
}

internal enum NetlinkReceiveStatus
{
    Data,
    WouldBlock,

    /// <summary>recvmsg returned ENOBUFS: the kernel dropped at least one message addressed to us.</summary>
    Overflow,
}

/// <summary>Outcome of one recvmsg: <see cref="Length"/> bytes are in the buffer, <see cref="DatagramLength"/> were sent.</summary>
internal readonly record struct NetlinkReceiveResult(NetlinkReceiveStatus Status, int Length, int DatagramLength, bool Truncated);

/// <summary>Socket-level settings; zero sizes keep the kernel defaults.</summary>
internal sealed record NetlinkSocketOptions
{
    public int ReceiveBufferBytes { get; init; }
    public int SendBufferBytes { get; init; }

    /// <summary>NETLINK_CAP_ACK: error acks echo only the request header (small acks, less receive-buffer pressure).</summary>
    public bool CapAcks { get; init; } = true;

    public IReadOnlyList<uint> MulticastGroups { get; init; } = [];
}
