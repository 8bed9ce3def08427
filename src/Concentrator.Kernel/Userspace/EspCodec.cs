using System.Buffers.Binary;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// ESP tunnel-mode packet processing (RFC 4303 sections 3.3 and 3.4) over spans, in place, without
/// allocating. Outbound: the caller puts the inner packet at <see cref="PayloadOffset"/> and gets back the
/// ESP packet from offset 0. Inbound: the ESP packet starts at 0 and the inner packet is left in place.
/// </summary>
internal static class EspCodec
{
    /// <summary>Where the payload starts: after SPI, sequence number and IV.</summary>
    public static int PayloadOffset(EspSa sa) => EspTransform.HeaderLength + sa.Transform.IvLength;

    /// <summary>Worst-case bytes ESP adds to a payload (header, IV, up to one block of padding plus 2, ICV).</summary>
    public static int Overhead(EspSa sa) => PayloadOffset(sa) + sa.Transform.Alignment + 1 + sa.Transform.IcvLength;

    /// <summary>
    /// Encrypts the payload at <see cref="PayloadOffset"/> into an ESP packet; returns its length, or 0 with
    /// <paramref name="drop"/> set. The next header is taken from the inner IP version.
    /// </summary>
    public static int Encapsulate(EspSa sa, Span<byte> buffer, int payloadLength, long now, out EspDrop drop)
    {
        int off = PayloadOffset(sa);
        byte nh = payloadLength > 0 && buffer[off] >> 4 == 6 ? IpPacket.NextHeaderIpv6 : IpPacket.NextHeaderIpv4;
        return Encapsulate(sa, buffer, payloadLength, nh, now, out drop);
    }

    public static int Encapsulate(EspSa sa, Span<byte> buffer, int payloadLength, byte nextHeader, long now, out EspDrop drop)
    {
        var t = sa.Transform;
        int off = PayloadOffset(sa);
        // RFC 4303 section 2.4: payload + padding + pad length + next header is a multiple of the block size and of 4.
        int align = t.Alignment;
        int padLength = (align - ((payloadLength + 2) % align)) % align;
        int bodyLength = payloadLength + padLength + 2;
        int total = off + bodyLength + t.IcvLength;
        if (total > buffer.Length)
        {
            drop = EspDrop.Oversized;
            sa.CountDrop(drop);
            return 0;
        }

        ulong seq = sa.OutboundSequence + 1;
        // RFC 4303 section 3.3.3: the counter MUST NOT cycle; the SA has to be replaced before 2^32 (2^64 with ESN).
        if ((!sa.Esn && seq > uint.MaxValue) || seq == 0)
        {
            sa.ExpireHard();
            drop = EspDrop.SequenceOverflow;
            sa.CountDrop(drop);
            return 0;
        }

        if (!sa.TryUse(payloadLength, now))
        {
            drop = EspDrop.Expired;
            sa.CountDrop(drop);
            return 0;
        }

        sa.OutboundSequence = seq;
        BinaryPrimitives.WriteUInt32BigEndian(buffer, sa.Spi);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], (uint)seq);
        t.WriteIv(buffer.Slice(EspTransform.HeaderLength, t.IvLength), seq);
        var trailer = buffer.Slice(off + payloadLength, padLength + 2);
        // RFC 4303 section 2.4: default padding is the monotonic series 1, 2, 3, ...
        for (int i = 0; i < padLength; i++)
        {
            trailer[i] = (byte)(i + 1);
        }

        trailer[padLength] = (byte)padLength;
        trailer[padLength + 1] = nextHeader;
        t.Seal(buffer, bodyLength, (uint)(seq >> 32), sa.Esn);
        drop = default;
        return total;
    }

    /// <summary>
    /// Verifies and decrypts an ESP packet in place. On success returns true with the inner packet at
    /// <paramref name="payloadOffset"/>/<paramref name="payloadLength"/>; else false with the reason (counted on the SA).
    /// </summary>
    public static bool Decapsulate(EspSa sa, Span<byte> packet, long now, out int payloadOffset, out int payloadLength, out byte nextHeader, out EspDrop drop)
    {
        payloadOffset = 0;
        payloadLength = 0;
        nextHeader = 0;
        var t = sa.Transform;
        int off = PayloadOffset(sa);
        int bodyLength = packet.Length - off - t.IcvLength;
        if (bodyLength < 2 || bodyLength % t.Alignment != 0)
        {
            return Fail(sa, EspDrop.Truncated, out drop);
        }

        if (sa.HardExpired)
        {
            return Fail(sa, EspDrop.Expired, out drop);
        }

        uint seqLow = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        // RFC 4303 section 3.4.3: duplicates are rejected before the (costlier) ICV check ...
        if (!sa.Replay.TryInfer(seqLow, out ulong seq))
        {
            return Fail(sa, EspDrop.Replay, out drop);
        }

        if (!t.Open(packet, bodyLength, (uint)(seq >> 32), sa.Esn))
        {
            return Fail(sa, EspDrop.BadIcv, out drop);
        }

        // ... and the window only moves once the ICV verified.
        if (!sa.Replay.TryAccept(seq))
        {
            return Fail(sa, EspDrop.Replay, out drop);
        }

        var body = packet.Slice(off, bodyLength);
        int padLength = body[^2];
        nextHeader = body[^1];
        if (padLength + 2 > bodyLength)
        {
            return Fail(sa, EspDrop.BadPadding, out drop);
        }

        var padding = body.Slice(bodyLength - 2 - padLength, padLength);
        // RFC 4303 section 2.4: the receiver SHOULD check the default padding values.
        for (int i = 0; i < padding.Length; i++)
        {
            if (padding[i] != (byte)(i + 1))
            {
                return Fail(sa, EspDrop.BadPadding, out drop);
            }
        }

        payloadOffset = off;
        payloadLength = bodyLength - 2 - padLength;
        if (nextHeader == 59)
        {
            // RFC 4303 section 2.6: a dummy packet is discarded without error.
            return Fail(sa, EspDrop.Dummy, out drop);
        }

        if (!sa.TryUse(payloadLength, now))
        {
            return Fail(sa, EspDrop.Expired, out drop);
        }

        drop = default;
        return true;
    }

    /// <summary>
    /// <see cref="Decapsulate"/> plus the tunnel-mode checks: the next header names the inner IP version
    /// (4 or 41) and the inner packet lies inside the SA's selectors (RFC 4301 section 5.2, step 4).
    /// </summary>
    public static bool DecapsulateTunnel(EspSa sa, Span<byte> packet, long now, out int payloadOffset, out int payloadLength, out EspDrop drop)
    {
        if (!Decapsulate(sa, packet, now, out payloadOffset, out payloadLength, out byte nh, out drop))
        {
            return false;
        }

        var inner = packet.Slice(payloadOffset, payloadLength);
        int version = inner.Length > 0 ? inner[0] >> 4 : 0;
        if (!((nh == IpPacket.NextHeaderIpv4 && version == 4) || (nh == IpPacket.NextHeaderIpv6 && version == 6)))
        {
            return Fail(sa, EspDrop.BadNextHeader, out drop);
        }

        if (!IpPacket.TryParse(inner, out var info))
        {
            return Fail(sa, EspDrop.BadInnerPacket, out drop);
        }

        var selectors = sa.InboundSelectors;
        if (selectors.Length > 0)
        {
            bool ok = false;
            foreach (ref readonly var s in selectors.AsSpan())
            {
                if (s.Matches(info))
                {
                    ok = true;
                    break;
                }
            }

            if (!ok)
            {
                return Fail(sa, EspDrop.SelectorMismatch, out drop);
            }
        }

        // Trailing bytes beyond the IP total length (none with our padding) are not handed on.
        payloadLength = info.TotalLength;
        return true;
    }

    private static bool Fail(EspSa sa, EspDrop reason, out EspDrop drop)
    {
        drop = reason;
        sa.CountDrop(reason);
        return false;
    }
}
