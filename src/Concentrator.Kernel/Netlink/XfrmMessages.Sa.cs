using Concentrator.Kernel.Netlink.Interop;
using static Concentrator.Kernel.Netlink.Interop.XfrmConstants;

namespace Concentrator.Kernel.Netlink;

internal static partial class XfrmMessages
{
    /// <summary>Replay windows up to this fit the legacy 32-bit bitmap in xfrm_usersa_info; larger ones need XFRMA_REPLAY_ESN_VAL.</summary>
    private const uint LegacyReplayWindowMax = 32;

    /// <summary>Upper bound of <see cref="WriteNewSa"/> for this request (exact for the attributes it will add).</summary>
    public static int MaxNewSaLength(SaRequest sa) =>
        16 + Size<xfrm_usersa_info>()
        + (sa.Aead is { } a ? Attr(Size<xfrm_algo_aead>() + a.Key.Length) : 0)
        + (sa.Encryption is { } e ? Attr(Size<xfrm_algo>() + e.Key.Length) : 0)
        + (sa.Integrity is { } i ? Attr(Size<xfrm_algo_auth>() + i.Key.Length) : 0)
        + Attr<xfrm_encap_tmpl>() + Attr<xfrm_replay_state_esn>() + Attr<xfrm_mark>() + (3 * Attr(4));

    /// <summary>
    /// XFRM_MSG_NEWSA (or XFRM_MSG_UPDSA when <paramref name="update"/>, which completes a larval SA from
    /// ALLOCSPI). Attributes in iproute2's order: algorithms, ENCAP, REPLAY_ESN_VAL, MARK, IF_ID, SET_MARK(_MASK).
    /// </summary>
    public static int WriteNewSa(Span<byte> dst, uint seq, SaRequest sa, bool update)
    {
        if (sa.Aead is null && sa.Encryption is null)
        {
            throw new ArgumentException("an SA needs an AEAD or an encryption algorithm", nameof(sa));
        }

        var family = AddressFamilies.Of(sa.Destination);
        var useEsnAttr = sa.Esn || sa.ReplayWindow > LegacyReplayWindowMax;
        var flags = (byte)sa.Flags;
        if (sa.Esn)
        {
            // RFC 4303 section 2.2.1: with ESN the high 32 bits take part in the ICV; the kernel needs the flag.
            flags |= XFRM_STATE_ESN;
        }

        var info = new xfrm_usersa_info
        {
            sel = Selector(sa.Selector),
            id = new xfrm_id { daddr = xfrm_address_t.From(sa.Destination), spi = Be32(sa.Spi), proto = (byte)sa.Protocol },
            saddr = xfrm_address_t.From(sa.Source),
            lft = Lifetime(sa.Lifetime),
            reqid = sa.Reqid,
            family = family,
            mode = (byte)sa.Mode,
            replay_window = useEsnAttr ? (byte)0 : (byte)sa.ReplayWindow,
            flags = flags,
        };

        var w = new NetlinkMessageWriter(dst, update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, RequestFlags, seq);
        w.Struct(info);

        if (sa.Aead is { } aead)
        {
            var value = w.AttrReserve(XFRMA_ALG_AEAD, Size<xfrm_algo_aead>() + aead.Key.Length);
            WriteAlgName(value, aead.Name);
            var hdr = new xfrm_algo_aead { alg_key_len = (uint)aead.Key.Length * 8, alg_icv_len = (uint)aead.IcvBits };
            WriteAlgTail(value, ref hdr);
            aead.Key.Span.CopyTo(value[Size<xfrm_algo_aead>()..]);
        }

        if (sa.Encryption is { } enc)
        {
            var value = w.AttrReserve(XFRMA_ALG_CRYPT, Size<xfrm_algo>() + enc.Key.Length);
            WriteAlgName(value, enc.Name);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(value[xfrm_algo.NameLength..], (uint)enc.Key.Length * 8);
            enc.Key.Span.CopyTo(value[Size<xfrm_algo>()..]);
        }

        if (sa.Integrity is { } integ)
        {
            var value = w.AttrReserve(XFRMA_ALG_AUTH_TRUNC, Size<xfrm_algo_auth>() + integ.Key.Length);
            WriteAlgName(value, integ.Name);
            var hdr = new xfrm_algo_auth { alg_key_len = (uint)integ.Key.Length * 8, alg_trunc_len = (uint)integ.TruncationBits };
            WriteAlgTail(value, ref hdr);
            integ.Key.Span.CopyTo(value[Size<xfrm_algo_auth>()..]);
        }

        if (sa.Encapsulation is { } encap)
        {
            w.AttrStruct(XFRMA_ENCAP, new xfrm_encap_tmpl
            {
                encap_type = UDP_ENCAP_ESPINUDP,
                encap_sport = Be16(encap.SourcePort),
                encap_dport = Be16(encap.DestinationPort),
                encap_oa = xfrm_address_t.From(encap.OriginalAddress),
            });
        }

        if (useEsnAttr)
        {
            // Sent without the bitmap, as iproute2 does: the kernel allocates bmp_len words itself.
            w.AttrStruct(XFRMA_REPLAY_ESN_VAL, new xfrm_replay_state_esn
            {
                bmp_len = (sa.ReplayWindow + 31) / 32,
                replay_window = sa.ReplayWindow,
            });
        }

        Mark(ref w, sa.Mark);
        IfId(ref w, sa.IfId);
        if (sa.EffectiveOutputMark is { } om)
        {
            w.AttrU32(XFRMA_SET_MARK, om.Value);
            w.AttrU32(XFRMA_SET_MARK_MASK, om.Mask);
        }

        return w.Finish();
    }

    public static int MaxSaIdLength => 16 + Size<xfrm_usersa_id>() + Attr<xfrm_address_t>() + Attr<xfrm_mark>();

    /// <summary>XFRM_MSG_DELSA. The kernel finds states by (daddr, spi, proto, mark); if_id is not part of the lookup, so it is not sent.</summary>
    public static int WriteDeleteSa(Span<byte> dst, uint seq, SaId sa) => WriteSaId(dst, seq, XFRM_MSG_DELSA, sa);

    /// <summary>XFRM_MSG_GETSA for one state; the kernel answers XFRM_MSG_NEWSA (see <see cref="XfrmReplies.ParseSa"/>) then the ack.</summary>
    public static int WriteGetSa(Span<byte> dst, uint seq, SaId sa) => WriteSaId(dst, seq, XFRM_MSG_GETSA, sa);

    private static int WriteSaId(Span<byte> dst, uint seq, ushort type, SaId sa)
    {
        var w = new NetlinkMessageWriter(dst, type, RequestFlags, seq);
        w.Struct(new xfrm_usersa_id
        {
            daddr = xfrm_address_t.From(sa.Destination),
            spi = Be32(sa.Spi),
            family = AddressFamilies.Of(sa.Destination),
            proto = (byte)sa.Protocol,
        });
        w.AttrStruct(XFRMA_SRCADDR, xfrm_address_t.From(sa.Source));
        Mark(ref w, sa.Mark);
        return w.Finish();
    }

    public static int AllocSpiLength => 16 + Size<xfrm_userspi_info>();

    /// <summary>
    /// XFRM_MSG_ALLOCSPI: the kernel picks a free SPI in [min, max] for (src → dst, proto) and creates a larval
    /// state with it (living net.core.xfrm_acq_expires seconds unless updated); the reply is XFRM_MSG_NEWSA.
    /// </summary>
    public static int WriteAllocSpi(Span<byte> dst, uint seq, System.Net.IPAddress source, System.Net.IPAddress destination, IpsecProtocol protocol, uint reqid, uint minSpi, uint maxSpi, IpsecMode mode = IpsecMode.Tunnel)
    {
        var w = new NetlinkMessageWriter(dst, XFRM_MSG_ALLOCSPI, RequestFlags, seq);
        w.Struct(new xfrm_userspi_info
        {
            info = new xfrm_usersa_info
            {
                id = new xfrm_id { daddr = xfrm_address_t.From(destination), proto = (byte)protocol },
                saddr = xfrm_address_t.From(source),
                reqid = reqid,
                family = AddressFamilies.Of(destination),
                mode = (byte)mode,
            },
            min = minSpi,
            max = maxSpi,
        });
        return w.Finish();
    }

    private static void WriteAlgName(Span<byte> value, string name)
    {
        // alg_name is a NUL-terminated char[64]; the zeroed buffer provides the terminator.
        if (name.Length >= xfrm_algo.NameLength)
        {
            throw new ArgumentException($"algorithm name '{name}' longer than {xfrm_algo.NameLength - 1} characters", nameof(name));
        }

        System.Text.Encoding.ASCII.GetBytes(name, value);
    }

    private static void WriteAlgTail<T>(Span<byte> value, ref T header)
        where T : unmanaged
    {
        // Name already written; copy the fixed fields that follow it.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new Span<T>(ref header));
        bytes[xfrm_algo.NameLength..].CopyTo(value[xfrm_algo.NameLength..]);
    }
}
