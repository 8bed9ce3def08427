using System.Threading.Channels;
using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// Listens on the XFRM multicast groups XFRMNLGRP_EXPIRE (SA and policy expires) and XFRMNLGRP_ACQUIRE on a
/// socket of its own (multicast must not share the writer's socket: a burst of events would push acks out of
/// its receive buffer) and turns them into <see cref="KernelEvent"/>s. When the kernel drops events (ENOBUFS)
/// or the channel is full, an <see cref="EventsLostEvent"/> tells the consumer to re-read state.
/// </summary>
internal sealed class XfrmEventReader : IDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly Channel<KernelEvent> _events;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private bool _lostPending;

    private XfrmEventReader(NetlinkSocket socket, int capacity)
    {
        _socket = socket;
        _events = Channel.CreateBounded<KernelEvent>(new BoundedChannelOptions(capacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        _thread = new Thread(Run) { IsBackground = true, Name = "xfrm events" };
    }

    public ChannelReader<KernelEvent> Events => _events.Reader;

    public static XfrmEventReader Open(string? namespacePath = null, int capacity = 65_536)
    {
        var socket = NetlinkSocket.Open(NetlinkSocket.NetlinkXfrm, new NetlinkSocketOptions
        {
            ReceiveBufferBytes = 4 * 1024 * 1024,
            MulticastGroups = [XfrmConstants.XFRMNLGRP_ACQUIRE, XfrmConstants.XFRMNLGRP_EXPIRE],
        }, namespacePath);
        var reader = new XfrmEventReader(socket, capacity);
        reader._thread.Start();
        return reader;
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _socket.Dispose();
        _events.Writer.TryComplete();
    }

    private void Run()
    {
        var buffer = new byte[64 * 1024];
        while (!_stopping)
        {
            if (!_socket.WaitReadable(200))
            {
                continue;
            }

            var r = _socket.Receive(buffer, wait: false);
            if (r.Status == NetlinkReceiveStatus.Overflow || r.Truncated)
            {
                _lostPending = true;
                if (r.Truncated)
                {
                    buffer = new byte[Math.Max(buffer.Length * 2, r.DatagramLength)];
                }
            }

            if (r.Status != NetlinkReceiveStatus.Data)
            {
                continue;
            }

            if (_lostPending && _events.Writer.TryWrite(new EventsLostEvent()))
            {
                _lostPending = false;
            }

            foreach (var e in Parse(buffer.AsSpan(0, r.Length)))
            {
                if (!_events.Writer.TryWrite(e))
                {
                    _lostPending = true;
                }
            }
        }
    }

    /// <summary>Events in one datagram; messages of other types (or cut short) are skipped.</summary>
    internal static List<KernelEvent> Parse(ReadOnlySpan<byte> datagram)
    {
        var list = new List<KernelEvent>();
        try
        {
            foreach (var m in new NetlinkMessageReader(datagram))
            {
                KernelEvent? e = m.Type switch
                {
                    XfrmConstants.XFRM_MSG_EXPIRE => SaExpire(m),
                    XfrmConstants.XFRM_MSG_POLEXPIRE => PolicyExpire(m),
                    XfrmConstants.XFRM_MSG_ACQUIRE => Acquire(m),
                    _ => null,
                };
                if (e is not null)
                {
                    list.Add(e);
                }
            }
        }
        catch (NetlinkParseException)
        {
            // A malformed datagram: keep what parsed.
        }

        return list;
    }

    private static SaExpiredEvent SaExpire(NetlinkMessage m)
    {
        var x = m.Fixed<xfrm_user_expire>();
        var s = x.state;
        (uint ifId, XfrmMark? mark) = XfrmReplies.IfIdAndMark(m.AttributesAfter<xfrm_user_expire>());
        return new SaExpiredEvent(XfrmReplies.StateId(s, ifId, mark), s.reqid, x.hard != 0)
        {
            Counters = SaCounters.FromKernel(s.curlft.bytes, s.curlft.packets, s.curlft.add_time, s.curlft.use_time, null),
        };
    }

    private static PolicyExpiredEvent PolicyExpire(NetlinkMessage m)
    {
        var x = m.Fixed<xfrm_user_polexpire>();
        (uint ifId, XfrmMark? mark) = XfrmReplies.IfIdAndMark(m.AttributesAfter<xfrm_user_polexpire>());
        var id = new PolicyId(XfrmReplies.SelectorOrAny(x.pol.sel), (PolicyDirection)x.pol.dir) { IfId = ifId, Mark = mark };
        return new PolicyExpiredEvent(id, x.pol.index, x.hard != 0);
    }

    /// <summary>
    /// xfrm_user_acquire carries no family for its outer addresses (<c>saddr</c>, <c>id.daddr</c>: the larval
    /// state's, whose family the kernel keeps in x->props.family and does not send), and its selector is the
    /// packet's flow, whose family differs from the tunnel's for IPv6 inside IPv4 and IPv4 inside IPv6. The
    /// family is the template's (xfrm_user_tmpl.family, XFRMA_TMPL), as `ip xfrm monitor` prints the policy's
    /// templates with their own family; the template the state was made for is the one with its protocol and
    /// destination (the first, when none matches), and without templates the selector's family is all there is.
    /// </summary>
    private static AcquireEvent Acquire(NetlinkMessage m)
    {
        var x = m.Fixed<xfrm_user_acquire>();
        uint ifId = 0;
        xfrm_user_tmpl? first = null;
        xfrm_user_tmpl? match = null;
        foreach (var a in m.AttributesAfter<xfrm_user_acquire>())
        {
            if (a.Type == XfrmConstants.XFRMA_IF_ID)
            {
                ifId = a.U32;
            }
            else if (a.Type == XfrmConstants.XFRMA_TMPL)
            {
                // XFRMA_TMPL is an array of xfrm_user_tmpl (one per template of the policy, outermost last).
                var size = XfrmMessages.Size<xfrm_user_tmpl>();
                for (var off = 0; off + size <= a.Value.Length; off += size)
                {
                    var t = System.Runtime.InteropServices.MemoryMarshal.Read<xfrm_user_tmpl>(a.Value[off..]);
                    first ??= t;
                    if (match is null && t.id.proto == x.id.proto && t.id.daddr.SameAs(x.id.daddr))
                    {
                        match = t;
                    }
                }
            }
        }

        var template = match ?? first;
        ushort selectorFamily = x.sel.family != 0 ? x.sel.family : x.policy.sel.family;
        ushort family = template is { family: not 0 } t0 ? t0.family : selectorFamily;
        return new AcquireEvent(XfrmReplies.SelectorOrAny(x.sel), x.saddr.ToIPAddress(family), x.id.daddr.ToIPAddress(family), template?.reqid ?? 0, x.policy.index) { IfId = ifId };
    }
}
