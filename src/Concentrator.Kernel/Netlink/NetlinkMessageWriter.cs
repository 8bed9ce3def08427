using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// Writes one netlink message into a span: nlmsghdr, the fixed struct, then attributes, each starting on a
/// 4-byte boundary (NLA_ALIGNTO). Lengths follow libnetlink/libmnl so our bytes equal iproute2's: the fixed
/// struct adds its exact size, an attribute adds its aligned size, a nest's nla_len covers its aligned
/// contents, and nlmsg_len is patched by <see cref="Finish"/>. Everything written (padding included) is
/// zeroed first, so the destination may hold garbage from a previous batch.
/// </summary>
internal ref struct NetlinkMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    public NetlinkMessageWriter(Span<byte> destination, ushort type, ushort flags, uint seq)
    {
        _buffer = destination;
        _length = 0;
        var header = new nlmsghdr { nlmsg_type = type, nlmsg_flags = flags, nlmsg_seq = seq, nlmsg_pid = 0 };
        Struct(header);
    }

    /// <summary>Bytes written so far (nlmsg_len once finished).</summary>
    public readonly int Length => _length;

    /// <summary>Size of the nlmsghdr.</summary>
    public static int HeaderSize => Marshal.SizeOf<nlmsghdr>();

    /// <summary>Worst-case size of an attribute carrying <paramref name="payload"/> bytes.</summary>
    public static int AttrSize(int payload) => NetlinkConstants.Align(4 + payload);

    public static int AttrSize<T>()
        where T : unmanaged => AttrSize(Marshal.SizeOf<T>());

    /// <summary>Appends a fixed struct exactly (no alignment padding after it, as NLMSG_LENGTH does).</summary>
    public void Struct<T>(in T value)
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        var dst = Reserve(_length, size);
        MemoryMarshal.Write(dst, in value);
        _length += size;
    }

    public void Attr(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var dst = AttrReserve(type, value.Length);
        value.CopyTo(dst);
    }

    public void AttrU8(ushort type, byte value) => AttrReserve(type, 1)[0] = value;

    public void AttrU32(ushort type, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(AttrReserve(type, 4), value);

    public void AttrU64(ushort type, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(AttrReserve(type, 8), value);

    public void AttrStruct<T>(ushort type, in T value)
        where T : unmanaged => MemoryMarshal.Write(AttrReserve(type, Marshal.SizeOf<T>()), in value);

    /// <summary>A string attribute; <paramref name="nulTerminated"/> as the kernel's policy for the attribute wants (IFLA_IFNAME: yes, IFLA_INFO_KIND: iproute2 sends it without).</summary>
    public void AttrString(ushort type, string value, bool nulTerminated)
    {
        var count = Encoding.ASCII.GetByteCount(value);
        var dst = AttrReserve(type, count + (nulTerminated ? 1 : 0));
        Encoding.ASCII.GetBytes(value, dst);
    }

    /// <summary>Adds an attribute header and returns its zeroed value area of <paramref name="length"/> bytes.</summary>
    public Span<byte> AttrReserve(ushort type, int length)
    {
        var start = NetlinkConstants.Align(_length);
        var total = NetlinkConstants.Align(4 + length);
        Reserve(_length, start - _length + total); // zeroes alignment padding, header and value
        var header = new nlattr { nla_len = checked((ushort)(4 + length)), nla_type = type };
        MemoryMarshal.Write(_buffer.Slice(start, 4), in header);
        _length = start + total;
        return _buffer.Slice(start + 4, length);
    }

    /// <summary>Opens a nested attribute; close it with <see cref="EndNested"/>. iproute2 does not set NLA_F_NESTED on IFLA_LINKINFO, nor do we.</summary>
    public int BeginNested(ushort type)
    {
        var start = NetlinkConstants.Align(_length);
        AttrReserve(type, 0);
        return start;
    }

    public void EndNested(int start)
    {
        var len = NetlinkConstants.Align(_length) - start;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(start, 2), checked((ushort)len));
    }

    /// <summary>Patches nlmsg_len and returns it. The next message of a batch starts at <c>NetlinkConstants.Align(result)</c>.</summary>
    public readonly int Finish()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);

        // Zero the alignment gap up to the next message too (e.g. 17-byte FLUSHSA), so a batch never carries
        // stale bytes; it is not part of nlmsg_len.
        var padded = Math.Min(NetlinkConstants.Align(_length), _buffer.Length);
        _buffer[_length..padded].Clear();
        return _length;
    }

    private readonly Span<byte> Reserve(int offset, int count)
    {
        if (offset + count > _buffer.Length)
        {
            ThrowTooSmall(offset + count, _buffer.Length);
        }

        var span = _buffer.Slice(offset, count);
        span.Clear();
        return span;
    }

    [DoesNotReturn]
    private static void ThrowTooSmall(int needed, int have) =>
        throw new ArgumentException($"netlink message needs {needed} bytes, buffer has {have}");
}
