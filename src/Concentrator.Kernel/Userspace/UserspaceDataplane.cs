using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// The packet paths of the userspace dataplane (strongSwan's kernel-libipsec in spirit): one reader thread
/// per TUN device encrypts what the kernel routes into ipsecN (policy → SA → ESP → UDP 4500 from the SA's source
/// address), and each shared UDP socket's receive thread decrypts (SPI → SA → checks → TUN of the SA's if_id). Each thread owns one
/// buffer for its life, so the per-packet path allocates nothing. A once-a-second sweep applies time
/// lifetimes; expiries are published as <see cref="SaExpiredEvent"/>, and a hard expiry removes the SA as
/// the kernel does.
/// </summary>
internal sealed class UserspaceDataplane : IDisposable
{
    /// <summary>Room in front of the inner packet for SPI, sequence number and the longest IV (AES-CBC, 16).</summary>
    internal const int Headroom = EspTransform.HeaderLength + 16;
    private const int BufferSize = 65_536 + 256;
    private readonly ConcurrentDictionary<uint, TunDevice> _tuns = new();
    private readonly ConcurrentDictionary<uint, long> _acquired = new();
    private readonly List<Thread> _threads = [];
    private readonly Channel<KernelEvent> _events;
    private readonly Thread _sweeper;
    private readonly ManualResetEventSlim _stop = new();
    private long _now;
    private long _offset;

    /// <param name="sockets">The NAT-T sockets, all counting into <paramref name="counters"/>.</param>
    public UserspaceDataplane(IReadOnlyList<UdpEncapsulationSocket> sockets, DataplaneCounters counters, Channel<KernelEvent> events)
    {
        Sockets = sockets;
        Counters = counters;
        _events = events;
        _now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var socket in sockets)
        {
            socket.EspReceived = Inbound;
        }

        _sweeper = new Thread(Sweep) { IsBackground = true, Name = "esp-lifetimes" };
        _sweeper.Start();
    }

    public SaTable Sas { get; } = new();

    public PolicyTable Policies { get; } = new();

    public DataplaneCounters Counters { get; }

    /// <summary>The NAT-T sockets, one per listen address.</summary>
    public IReadOnlyList<UdpEncapsulationSocket> Sockets { get; }

    /// <summary>Raw ESP sockets (IPv4, IPv6) for SAs without UDP encapsulation; set before traffic starts.</summary>
    public RawEspSocket? RawV4 { get; private set; }

    public RawEspSocket? RawV6 { get; private set; }

    public void AttachRaw(RawEspSocket raw)
    {
        raw.EspReceived = Inbound;
        if (raw.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            RawV4 = raw;
        }
        else
        {
            RawV6 = raw;
        }

        raw.Start();
    }

    public long Now => Volatile.Read(ref _now);

    /// <summary>Test hook: moves the lifetime clock and runs a sweep now.</summary>
    internal void AdvanceClock(long seconds)
    {
        Interlocked.Add(ref _offset, seconds);
        Interlocked.Add(ref _now, seconds);
        SweepOnce();
    }

    public IReadOnlyDictionary<uint, TunDevice> Devices => _tuns;

    /// <summary>Serves a TUN device for if_id <paramref name="ifId"/>: starts its reader thread.</summary>
    public void Attach(uint ifId, TunDevice tun)
    {
        if (!_tuns.TryAdd(ifId, tun))
        {
            throw new KernelException(Errnos.EEXIST, $"if_id {ifId} already has {_tuns[ifId].Name}", "create interface");
        }

        var t = new Thread(() => OutboundLoop(ifId, tun)) { IsBackground = true, Name = $"tun {tun.Name}" };
        lock (_threads)
        {
            _threads.Add(t);
        }

        t.Start();
    }

    public TunDevice? Detach(uint ifId) => _tuns.TryRemove(ifId, out var tun) ? tun : null;

    /// <summary>Publishes expiries; on hard expiry the SA leaves the tables (XFRM deletes it too).</summary>
    public void OnExpired(EspSa sa, bool hard)
    {
        if (hard)
        {
            try
            {
                Sas.Remove(sa);
            }
            catch (KernelException)
            {
                // Deleted concurrently by the control plane: nothing left to do.
            }
        }

        if (!_events.Writer.TryWrite(new SaExpiredEvent(sa.Id, sa.Reqid, hard) { Counters = sa.Snapshot() }))
        {
            _events.Writer.TryWrite(new EventsLostEvent());
        }
    }

    public void Dispose()
    {
        _stop.Set();
        RawV4?.Dispose();
        RawV6?.Dispose();
        foreach (var tun in _tuns.Values)
        {
            tun.Dispose();
        }

        Thread[] threads;
        lock (_threads)
        {
            threads = [.. _threads];
        }

        foreach (var t in threads)
        {
            t.Join(2000);
        }

        _sweeper.Join(2000);
        foreach (var sa in Sas.All)
        {
            sa.Dispose();
        }
    }

    /// <summary>Per ESP packet from the socket's receive thread.</summary>
    internal void Inbound(Span<byte> packet)
    {
        uint spi = BinaryPrimitives.ReadUInt32BigEndian(packet);
        var sa = Sas.LookupInbound(spi);
        if (sa is null)
        {
            Counters.Drop(EspDrop.NoSa);
            return;
        }

        if (!EspCodec.DecapsulateTunnel(sa, packet, Now, out int off, out int len, out var drop))
        {
            Counters.Drop(drop);
            return;
        }

        if (!_tuns.TryGetValue(sa.IfId, out var tun))
        {
            Counters.Drop(EspDrop.IoError);
            return;
        }

        if (len > tun.Mtu)
        {
            // Larger than ipsecN could have carried: refuse rather than hand the stack a packet past the MTU.
            sa.CountDrop(EspDrop.Oversized);
            Counters.Drop(EspDrop.Oversized);
            return;
        }

        if (!tun.Write(packet.Slice(off, len)))
        {
            Counters.Drop(EspDrop.IoError);
            return;
        }

        Counters.Inbound();
    }

    /// <summary>
    /// Per inner packet read from a TUN device (at <see cref="Headroom"/> in <paramref name="buffer"/>); returns the
    /// length of the ESP packet built in place at <paramref name="start"/>, or 0 when dropped.
    /// </summary>
    internal int Outbound(uint ifId, Span<byte> buffer, int innerLength, out EspSa? sa, out int start)
    {
        sa = null;
        start = 0;
        var inner = buffer.Slice(Headroom, innerLength);
        if (!IpPacket.TryParse(inner, out var info))
        {
            Counters.Drop(EspDrop.BadInnerPacket);
            return 0;
        }

        var policy = Policies.LookupOutbound(ifId, info);
        if (policy is null || policy.Action == PolicyAction.Block)
        {
            Counters.Drop(EspDrop.NoPolicy);
            return 0;
        }

        sa = Sas.LookupOutbound(policy.Reqid, policy.TemplateDestination);
        if (sa is null)
        {
            // What the kernel counts as XfrmOutNoStates; and, as the kernel does for a policy without a state (a trap
            // policy), the daemon is asked for one (XFRM_MSG_ACQUIRE).
            Counters.Drop(EspDrop.NoSa);
            Acquire(ifId, policy);
            return 0;
        }

        // The inner packet sits at Headroom; the ESP packet starts so that its payload lands exactly there.
        start = Headroom - EspCodec.PayloadOffset(sa);
        int n = EspCodec.Encapsulate(sa, buffer[start..], info.TotalLength, Now, out var drop);
        if (n == 0)
        {
            Counters.Drop(drop);
        }

        return n;
    }

    /// <summary>An <see cref="AcquireEvent"/> for a policy that matched outbound traffic but has no state, at most one
    /// per reqid per second (the kernel's larval state holds further ACQUIREs back the same way, for acq_expires).</summary>
    private void Acquire(uint ifId, PolicyEntry policy)
    {
        if (policy.TemplateSource is not { } source || policy.TemplateDestinationAddress is not { } destination)
        {
            return;
        }

        long now = Environment.TickCount64;
        long last = _acquired.GetValueOrDefault(policy.Reqid, long.MinValue / 2);
        if (now - last < 1000 || !_acquired.TryUpdate(policy.Reqid, now, last) && !_acquired.TryAdd(policy.Reqid, now))
        {
            return;
        }

        _events.Writer.TryWrite(new AcquireEvent(policy.Key.Selector, source, destination, policy.Reqid, 0) { IfId = ifId });
    }

    private void OutboundLoop(uint ifId, TunDevice tun)
    {
        var buffer = new byte[BufferSize];
        while (!_stop.IsSet)
        {
            int n = tun.Read(buffer.AsSpan(Headroom, tun.Mtu + 64));
            if (n < 0)
            {
                return;
            }

            try
            {
                int len = Outbound(ifId, buffer, n, out var sa, out int start);
                if (len == 0)
                {
                    continue;
                }

                bool sent;
                if (sa!.UdpSocket is { } udp)
                {
                    sent = udp.SendEsp(buffer.AsSpan(start, len), sa.PeerAddress!);
                }
                else if (sa.RawPeerAddress is { } raw && (sa.Destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? RawV4 : RawV6) is { } rawSocket)
                {
                    sent = rawSocket.Send(buffer.AsSpan(start, len), raw);
                }
                else
                {
                    Counters.Drop(EspDrop.NoTransport);
                    continue;
                }

                if (!sent)
                {
                    Counters.Drop(EspDrop.IoError);
                    continue;
                }

                Counters.Outbound();
            }
            catch (Exception)
            {
                Counters.Drop(EspDrop.IoError);
            }
        }
    }

    private void Sweep()
    {
        while (!_stop.Wait(1000))
        {
            Volatile.Write(ref _now, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + Volatile.Read(ref _offset));
            SweepOnce();
        }
    }

    private void SweepOnce()
    {
        long now = Now;
        foreach (var sa in Sas.All)
        {
            sa.CheckTime(now);
        }
    }
}
