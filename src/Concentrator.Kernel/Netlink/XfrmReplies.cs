using System.Net;
using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.XfrmConstants;

namespace Concentrator.Kernel.Netlink;

/// <summary>An SA as the kernel reports it (XFRM_MSG_NEWSA reply to GETSA/ALLOCSPI, or a dump part).</summary>
internal sealed record XfrmStateInfo(SaId Id, uint Reqid, IpsecMode Mode, SaCounters Counters)
{
    public TrafficSelector? Selector { get; init; }
    public string? AeadName { get; init; }
    public string? EncryptionName { get; init; }
    public string? IntegrityName { get; init; }
    public UdpEncapsulation? Encapsulation { get; init; }
    public XfrmMark? OutputMark { get; init; }
    public uint ReplayWindow { get; init; }
    public SaFlags Flags { get; init; }
    public SaLifetime Lifetime { get; init; }
}

/// <summary>A policy as the kernel reports it (XFRM_MSG_NEWPOLICY dump part or reply).</summary>
internal sealed record XfrmPolicyInfo(PolicyId Id, uint Index, uint Priority, PolicyAction Action, IReadOnlyList<PolicyTemplate> Templates);

/// <summary>Parsers for what NETLINK_XFRM answers: states and policies.</summary>
internal static class XfrmReplies
{
    /// <summary>Payload of XFRM_MSG_NEWSA: xfrm_usersa_info then attributes (algorithms, ENCAP, MARK, IF_ID, LASTUSED…).</summary>
    public static XfrmStateInfo ParseSa(NetlinkMessage message)
    {
        var info = message.Fixed<xfrm_usersa_info>();
        uint ifId = 0;
        ulong? lastUsed = null;
        XfrmMark? mark = null;
        uint? setMark = null, setMask = null;
        string? aead = null, enc = null, integ = null;
        UdpEncapsulation? encap = null;
        uint replayWindow = info.replay_window;
        foreach (var a in message.AttributesAfter<xfrm_usersa_info>())
        {
            switch (a.Type)
            {
                case XFRMA_IF_ID: ifId = a.U32; break;
                case XFRMA_LASTUSED: lastUsed = a.U64; break;
                case XFRMA_MARK: mark = Mark(a); break;
                case XFRMA_SET_MARK: setMark = a.U32; break;
                case XFRMA_SET_MARK_MASK: setMask = a.U32; break;
                case XFRMA_ALG_AEAD: aead = AlgName(a); break;
                case XFRMA_ALG_CRYPT: enc = AlgName(a); break;
                case XFRMA_ALG_AUTH_TRUNC: integ = AlgName(a); break;
                case XFRMA_ALG_AUTH: integ ??= AlgName(a); break;
                case XFRMA_REPLAY_ESN_VAL: replayWindow = a.Struct<xfrm_replay_state_esn>().replay_window; break;
                case XFRMA_ENCAP:
                    var e = a.Struct<xfrm_encap_tmpl>();
                    encap = new UdpEncapsulation(XfrmMessages.Be16(e.encap_sport), XfrmMessages.Be16(e.encap_dport), NullIfAny(e.encap_oa.ToIPAddress(info.family)));
                    break;
            }
        }

        var id = StateId(info, ifId, mark);
        var cur = info.curlft;
        return new XfrmStateInfo(id, info.reqid, (IpsecMode)info.mode, SaCounters.FromKernel(cur.bytes, cur.packets, cur.add_time, cur.use_time, lastUsed))
        {
            Selector = Selector(info.sel),
            AeadName = aead,
            EncryptionName = enc,
            IntegrityName = integ,
            Encapsulation = encap,
            OutputMark = setMark is { } v ? new XfrmMark(v, setMask ?? uint.MaxValue) : null,
            ReplayWindow = replayWindow,
            Flags = (SaFlags)info.flags,
            Lifetime = Lifetime(info.lft),
        };
    }

    /// <summary>Only what the counters need of an XFRM_MSG_NEWSA (a GETSA dump's part): the key (daddr, spi, proto) and
    /// the current lifetime (bytes, packets, add/use time, XFRMA_LASTUSED). Selector, algorithms, marks, encapsulation and
    /// the other attributes are skipped: <see cref="ParseSa"/> builds the full record.</summary>
    public static (SaKey Key, SaCounters Counters) ParseSaCounters(NetlinkMessage message)
    {
        var info = message.Fixed<xfrm_usersa_info>();
        ulong? lastUsed = null;
        foreach (var a in message.AttributesAfter<xfrm_usersa_info>())
        {
            if (a.Type == XFRMA_LASTUSED)
            {
                lastUsed = a.U64;
            }
        }

        var cur = info.curlft;
        var key = new SaKey(info.id.daddr.ToIPAddress(info.family), XfrmMessages.Be32(info.id.spi), (IpsecProtocol)info.id.proto);
        return (key, SaCounters.FromKernel(cur.bytes, cur.packets, cur.add_time, cur.use_time, lastUsed));
    }

    /// <summary>Payload of XFRM_MSG_NEWPOLICY: xfrm_userpolicy_info then TMPL, MARK, IF_ID.</summary>
    public static XfrmPolicyInfo ParsePolicy(NetlinkMessage message)
    {
        var info = message.Fixed<xfrm_userpolicy_info>();
        var (ifId, mark, templates) = PolicyAttributes(message.AttributesAfter<xfrm_userpolicy_info>());
        var id = new PolicyId(SelectorOrAny(info.sel), (PolicyDirection)info.dir) { IfId = ifId, Mark = mark };
        return new XfrmPolicyInfo(id, info.index, info.priority, (PolicyAction)info.action, templates);
    }

    internal static (uint IfId, XfrmMark? Mark, IReadOnlyList<PolicyTemplate> Templates) PolicyAttributes(NetlinkAttributeReader attributes)
    {
        uint ifId = 0;
        XfrmMark? mark = null;
        var templates = new List<PolicyTemplate>();
        foreach (var a in attributes)
        {
            switch (a.Type)
            {
                case XFRMA_IF_ID: ifId = a.U32; break;
                case XFRMA_MARK: mark = Mark(a); break;
                case XFRMA_TMPL:
                    var size = XfrmMessages.Size<xfrm_user_tmpl>();
                    for (var off = 0; off + size <= a.Value.Length; off += size)
                    {
                        var t = System.Runtime.InteropServices.MemoryMarshal.Read<xfrm_user_tmpl>(a.Value[off..]);
                        templates.Add(new PolicyTemplate(t.saddr.ToIPAddress(t.family), t.id.daddr.ToIPAddress(t.family), t.reqid)
                        {
                            Protocol = (IpsecProtocol)t.id.proto,
                            Mode = (IpsecMode)t.mode,
                            Spi = XfrmMessages.Be32(t.id.spi),
                            Optional = t.optional != 0,
                        });
                    }

                    break;
            }
        }

        return (ifId, mark, templates);
    }

    /// <summary>IF_ID and MARK among the attributes after an SA or policy struct (expire events carry only these).</summary>
    internal static (uint IfId, XfrmMark? Mark) IfIdAndMark(NetlinkAttributeReader attributes)
    {
        uint ifId = 0;
        XfrmMark? mark = null;
        foreach (var a in attributes)
        {
            switch (a.Type)
            {
                case XFRMA_IF_ID: ifId = a.U32; break;
                case XFRMA_MARK: mark = Mark(a); break;
            }
        }

        return (ifId, mark);
    }

    /// <summary>The SA an xfrm_usersa_info names (in a NEWSA reply or inside an expire event).</summary>
    internal static SaId StateId(in xfrm_usersa_info info, uint ifId, XfrmMark? mark) =>
        new(info.saddr.ToIPAddress(info.family), info.id.daddr.ToIPAddress(info.family), XfrmMessages.Be32(info.id.spi), (IpsecProtocol)info.id.proto)
        {
            IfId = ifId,
            Mark = mark,
        };

    /// <summary>A policy's selector: an all-zero kernel selector (family 0) matches everything, read as IPv4 any.</summary>
    internal static TrafficSelector SelectorOrAny(in xfrm_selector s) =>
        Selector(s) ?? TrafficSelector.Any(System.Net.Sockets.AddressFamily.InterNetwork);

    /// <summary>Our selector for a kernel one; null when the kernel's is all zero (family 0).</summary>
    internal static TrafficSelector? Selector(in xfrm_selector s)
    {
        if (s.family == AddressFamilies.AF_UNSPEC)
        {
            return null;
        }

        return new TrafficSelector(
            Network(s.saddr.ToIPAddress(s.family), s.prefixlen_s),
            Network(s.daddr.ToIPAddress(s.family), s.prefixlen_d),
            s.proto,
            XfrmMessages.Be16(s.sport),
            XfrmMessages.Be16(s.dport))
        {
            InterfaceIndex = s.ifindex,
        };
    }

    /// <summary>An IPNetwork even when the kernel reports host bits beyond the prefix (it does not mask them).</summary>
    internal static IPNetwork Network(IPAddress address, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        for (var bit = prefix; bit < length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPNetwork(new IPAddress(bytes[..length]), prefix);
    }

    internal static SaLifetime Lifetime(in xfrm_lifetime_cfg l) => new(
        l.soft_byte_limit, l.hard_byte_limit, l.soft_packet_limit, l.hard_packet_limit,
        l.soft_add_expires_seconds, l.hard_add_expires_seconds, l.soft_use_expires_seconds, l.hard_use_expires_seconds);

    private static XfrmMark Mark(NetlinkAttribute a)
    {
        var m = a.Struct<xfrm_mark>();
        return new XfrmMark(m.v, m.m);
    }

    private static string AlgName(NetlinkAttribute a)
    {
        var name = a.Value[..Math.Min(xfrm_algo.NameLength, a.Value.Length)];
        var end = name.IndexOf((byte)0);
        return System.Text.Encoding.ASCII.GetString(end < 0 ? name : name[..end]);
    }

    private static IPAddress? NullIfAny(IPAddress a) => a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) ? null : a;
}
