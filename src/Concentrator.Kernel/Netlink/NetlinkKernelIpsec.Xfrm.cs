using System.Net;
using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Netlink;

public sealed partial class NetlinkKernelIpsec
{
    private static readonly IReadOnlySet<int> GoneEsrch = new HashSet<int> { Errnos.ESRCH };
    private static readonly IReadOnlySet<int> GoneEnoent = new HashSet<int> { Errnos.ENOENT };

    public async ValueTask<uint> AllocateSpiAsync(IPAddress source, IPAddress destination, IpsecProtocol protocol, uint reqid, uint minSpi = 0xC000_0000, uint maxSpi = 0xCFFF_FFFF, CancellationToken cancellationToken = default)
    {
        // No recovery: a lost ALLOCSPI ack leaves a larval SA whose SPI only the lost reply carried. The
        // request fails with ENOBUFS and the larval SA expires by itself (net.core.xfrm_acq_expires).
        var request = new NetlinkRequest("XFRM_MSG_ALLOCSPI",
            (dst, seq) => XfrmMessages.WriteAllocSpi(dst, seq, source, destination, protocol, reqid, minSpi, maxSpi),
            cancellationToken)
        {
            MaxLength = XfrmMessages.AllocSpiLength,
        };
        var reply = await Submit(XfrmWriter, request).ConfigureAwait(false);
        return ParseStates(reply.Messages).FirstOrDefault()?.Id.Spi
            ?? throw new KernelException(0, null, "XFRM_MSG_ALLOCSPI: the kernel acked without returning the SA");
    }

    public ValueTask AddSaAsync(SaRequest sa, CancellationToken cancellationToken = default) =>
        Send(XfrmWriter, NewSa(sa, update: false, cancellationToken));

    public ValueTask UpdateSaAsync(SaRequest sa, CancellationToken cancellationToken = default) =>
        Send(XfrmWriter, NewSa(sa, update: true, cancellationToken));

    public ValueTask DeleteSaAsync(SaId sa, CancellationToken cancellationToken = default) =>
        Send(XfrmWriter, DeleteSa(sa, cancellationToken));

    public async ValueTask<SaCounters> QuerySaAsync(SaId sa, CancellationToken cancellationToken = default)
    {
        var request = new NetlinkRequest("XFRM_MSG_GETSA", (dst, seq) => XfrmMessages.WriteGetSa(dst, seq, sa), cancellationToken)
        {
            MaxLength = XfrmMessages.MaxSaIdLength,
            Recovery = new NetlinkRecovery.Resend(),
        };
        var reply = await Submit(XfrmWriter, request).ConfigureAwait(false);
        return ParseStates(reply.Messages).FirstOrDefault()?.Counters
            ?? throw new KernelException(0, null, "XFRM_MSG_GETSA: the kernel acked without returning the SA");
    }

    public ValueTask AddPolicyAsync(PolicyRequest policy, bool replace = false, CancellationToken cancellationToken = default) =>
        Send(XfrmWriter, NewPolicy(policy, replace, cancellationToken));

    public ValueTask DeletePolicyAsync(PolicyId policy, CancellationToken cancellationToken = default) =>
        Send(XfrmWriter, DeletePolicy(policy, cancellationToken));

    /// <summary>Every policy in the kernel (XFRM_MSG_GETPOLICY dump), ours or not.</summary>
    internal async ValueTask<IReadOnlyList<XfrmPolicyInfo>> ListPoliciesAsync(CancellationToken cancellationToken = default)
    {
        var request = new NetlinkRequest("XFRM_MSG_GETPOLICY dump", XfrmMessages.WriteDumpPolicy, cancellationToken)
        {
            IsDump = true,
            MaxLength = XfrmMessages.DumpLength,
        };
        var reply = await Submit(XfrmWriter, request).ConfigureAwait(false);
        return ParsePolicies(reply.Messages);
    }

    public async ValueTask<IReadOnlyDictionary<SaKey, SaCounters>?> DumpSaCountersAsync(CancellationToken cancellationToken = default)
    {
        var request = new NetlinkRequest("XFRM_MSG_GETSA dump", XfrmMessages.WriteDumpSa, cancellationToken)
        {
            IsDump = true,
            MaxLength = XfrmMessages.DumpLength,
        };
        var reply = await Submit(XfrmWriter, request).ConfigureAwait(false);
        return CountersOf(reply.Messages);
    }

    /// <summary>The counters of every state in a GETSA dump's datagrams, keyed by (daddr, spi, proto); only those fields
    /// of each state are read (<see cref="XfrmReplies.ParseSaCounters"/>).</summary>
    internal static Dictionary<SaKey, SaCounters> CountersOf(IReadOnlyList<byte[]> messages)
    {
        // Sized once (a header walk counts the states): at 100,000 states the resizes would copy the table ~17 times.
        var states = 0;
        foreach (var bytes in messages)
        {
            foreach (var m in new NetlinkMessageReader(bytes))
            {
                states += m.Type == XfrmConstants.XFRM_MSG_NEWSA ? 1 : 0;
            }
        }

        var counters = new Dictionary<SaKey, SaCounters>(states);
        foreach (var bytes in messages)
        {
            foreach (var m in new NetlinkMessageReader(bytes))
            {
                if (m.Type == XfrmConstants.XFRM_MSG_NEWSA)
                {
                    var (key, sa) = XfrmReplies.ParseSaCounters(m);
                    counters[key] = sa;
                }
            }
        }

        return counters;
    }

    /// <summary>Every SA in the kernel (XFRM_MSG_GETSA dump), larval ones included.</summary>
    internal async ValueTask<IReadOnlyList<XfrmStateInfo>> ListSasAsync(CancellationToken cancellationToken = default)
    {
        var request = new NetlinkRequest("XFRM_MSG_GETSA dump", XfrmMessages.WriteDumpSa, cancellationToken)
        {
            IsDump = true,
            MaxLength = XfrmMessages.DumpLength,
        };
        var reply = await Submit(XfrmWriter, request).ConfigureAwait(false);
        return ParseStates(reply.Messages);
    }

    private static NetlinkRequest NewSa(SaRequest sa, bool update, CancellationToken ct)
    {
        var id = sa.Id;
        return new NetlinkRequest(update ? "XFRM_MSG_UPDSA" : "XFRM_MSG_NEWSA", (dst, seq) => XfrmMessages.WriteNewSa(dst, seq, sa, update), ct)
        {
            MaxLength = XfrmMessages.MaxNewSaLength(sa),
            ConflictKey = id,

            // UPDSA is idempotent: send it again. NEWSA: ask whether our SA (same reqid and mode) is there.
            Recovery = update
                ? new NetlinkRecovery.Resend()
                : new NetlinkRecovery.Probe(
                    (dst, seq) => XfrmMessages.WriteGetSa(dst, seq, id),
                    (result, data) => result.IsSuccess && ParseStates(data) is [var s] && s.Reqid == sa.Reqid && s.Mode == sa.Mode),
        };
    }

    private static NetlinkRequest DeleteSa(SaId sa, CancellationToken ct) =>
        new("XFRM_MSG_DELSA", (dst, seq) => XfrmMessages.WriteDeleteSa(dst, seq, sa), ct)
        {
            MaxLength = XfrmMessages.MaxSaIdLength,
            ConflictKey = sa,
            Recovery = new NetlinkRecovery.Resend(AlreadyDone: GoneEsrch),
        };

    private static NetlinkRequest NewPolicy(PolicyRequest policy, bool replace, CancellationToken ct)
    {
        var id = policy.Id;
        return new NetlinkRequest(replace ? "XFRM_MSG_UPDPOLICY" : "XFRM_MSG_NEWPOLICY", (dst, seq) => XfrmMessages.WriteNewPolicy(dst, seq, policy, replace), ct)
        {
            MaxLength = XfrmMessages.MaxNewPolicyLength(policy),
            ConflictKey = id,

            // A policy that is there but differs from ours (priority, action, templates) was someone else's:
            // then the lost answer was EEXIST, and sending ours again makes the kernel say so.
            Recovery = replace
                ? new NetlinkRecovery.Resend()
                : new NetlinkRecovery.Probe(
                    (dst, seq) => WriteGetPolicy(dst, seq, id),
                    (result, data) => result.IsSuccess && ParsePolicies(data) is [var p] && Matches(p, policy)),
        };
    }

    private static NetlinkRequest DeletePolicy(PolicyId policy, CancellationToken ct) =>
        new("XFRM_MSG_DELPOLICY", (dst, seq) => XfrmMessages.WriteDeletePolicy(dst, seq, policy), ct)
        {
            MaxLength = XfrmMessages.MaxPolicyIdLength,
            ConflictKey = policy,
            Recovery = new NetlinkRecovery.Resend(AlreadyDone: GoneEnoent),
        };

    /// <summary>XFRM_MSG_GETPOLICY by selector: the same xfrm_userpolicy_id layout as DELPOLICY, another type.</summary>
    private static int WriteGetPolicy(Span<byte> dst, uint seq, PolicyId policy)
    {
        int length = XfrmMessages.WriteDeletePolicy(dst, seq, policy);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(dst[4..], XfrmConstants.XFRM_MSG_GETPOLICY);
        return length;
    }

    private static bool Matches(XfrmPolicyInfo installed, PolicyRequest wanted) =>
        installed.Priority == wanted.Priority
        && installed.Action == wanted.Action
        && installed.Templates.Select(t => (t.Reqid, t.Protocol, t.Mode)).SequenceEqual(wanted.Templates.Select(t => (t.Reqid, t.Protocol, t.Mode)));

    internal static List<XfrmPolicyInfo> ParsePolicies(IReadOnlyList<byte[]> messages) =>
        ParseReplies(messages, XfrmConstants.XFRM_MSG_NEWPOLICY, XfrmReplies.ParsePolicy);

    internal static List<XfrmStateInfo> ParseStates(IReadOnlyList<byte[]> messages) =>
        ParseReplies(messages, XfrmConstants.XFRM_MSG_NEWSA, XfrmReplies.ParseSa);

    /// <summary>Every message of <paramref name="type"/> in a reply's datagrams, through <paramref name="parse"/>; others are skipped.</summary>
    private static List<T> ParseReplies<T>(IReadOnlyList<byte[]> messages, ushort type, Func<NetlinkMessage, T> parse)
    {
        var list = new List<T>(messages.Count);
        foreach (var bytes in messages)
        {
            foreach (var m in new NetlinkMessageReader(bytes))
            {
                if (m.Type == type)
                {
                    list.Add(parse(m));
                }
            }
        }

        return list;
    }

    /// <summary>
    /// Queues and returns the request's own task: no async state machine on the hot path (300,000 policies
    /// for 100,000 road warriors), only when the queue is full and the producer must wait.
    /// </summary>
    private static ValueTask Send(NetlinkWriter writer, NetlinkRequest request)
    {
        var queued = writer.EnqueueAsync(request);
        return queued.IsCompletedSuccessfully ? new ValueTask(request.Completion) : Slow(queued, request);

        static async ValueTask Slow(ValueTask queued, NetlinkRequest request)
        {
            await queued.ConfigureAwait(false);
            await request.Completion.ConfigureAwait(false);
        }
    }
}
