using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Netlink;

/// <summary>One message of a received datagram: header and payload (fixed struct + attributes).</summary>
internal readonly ref struct NetlinkMessage
{
    public NetlinkMessage(nlmsghdr header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    public nlmsghdr Header { get; }
    public ReadOnlySpan<byte> Payload { get; }
    public ushort Type => Header.nlmsg_type;
    public uint Seq => Header.nlmsg_seq;

    /// <summary>The fixed struct at the start of the payload.</summary>
    public T Fixed<T>()
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if (Payload.Length < size)
        {
            NetlinkParseException.Throw($"message type {Type} is {Payload.Length} bytes, {typeof(T).Name} needs {size}");
        }

        return MemoryMarshal.Read<T>(Payload);
    }

    /// <summary>Attributes after a fixed struct of <paramref name="fixedSize"/> bytes (aligned as the kernel does).</summary>
    public NetlinkAttributeReader Attributes(int fixedSize) =>
        new(Payload.Length >= NetlinkConstants.Align(fixedSize) ? Payload[NetlinkConstants.Align(fixedSize)..] : []);

    public NetlinkAttributeReader AttributesAfter<T>()
        where T : unmanaged => Attributes(Marshal.SizeOf<T>());
}

/// <summary>Walks the messages of one received datagram (NLMSG_OK / NLMSG_NEXT).</summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _rest = datagram;
        Current = default;
    }

    public NetlinkMessage Current { get; private set; }

    public readonly NetlinkMessageReader GetEnumerator() => this;

    public bool MoveNext()
    {
        const int headerSize = 16;
        if (_rest.Length < headerSize)
        {
            return false;
        }

        var header = MemoryMarshal.Read<nlmsghdr>(_rest);
        if (header.nlmsg_len < headerSize || header.nlmsg_len > _rest.Length)
        {
            NetlinkParseException.Throw($"nlmsg_len {header.nlmsg_len} outside 16..{_rest.Length}");
        }

        Current = new NetlinkMessage(header, _rest[headerSize..(int)header.nlmsg_len]);
        var next = Math.Min(NetlinkConstants.Align((int)header.nlmsg_len), _rest.Length);
        _rest = _rest[next..];
        return true;
    }
}

/// <summary>One attribute: type without the NESTED/BYTEORDER flag bits, and value.</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    public ushort Type { get; }
    public ReadOnlySpan<byte> Value { get; }

    public uint U32 => Value.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Value) : Bad<uint>(4);
    public ulong U64 => Value.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(Value) : Bad<ulong>(8);
    public byte U8 => Value.Length >= 1 ? Value[0] : Bad<byte>(1);

    /// <summary>The value as a C string (up to the first NUL).</summary>
    public string String
    {
        get
        {
            var end = Value.IndexOf((byte)0);
            return Encoding.ASCII.GetString(end < 0 ? Value : Value[..end]);
        }
    }

    public NetlinkAttributeReader Nested => new(Value);

    public T Struct<T>()
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        return Value.Length >= size ? MemoryMarshal.Read<T>(Value) : Bad<T>(size);
    }

    private T Bad<T>(int needed)
    {
        NetlinkParseException.Throw($"attribute {Type} has {Value.Length} bytes, needs {needed}");
        return default!;
    }
}

/// <summary>Walks a run of attributes (nla_len includes the 4-byte header; next one at the aligned end).</summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        Current = default;
    }

    public NetlinkAttribute Current { get; private set; }

    public readonly NetlinkAttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        var len = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        var type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
        if (len < 4 || len > _rest.Length)
        {
            NetlinkParseException.Throw($"nla_len {len} outside 4..{_rest.Length}");
        }

        Current = new NetlinkAttribute((ushort)(type & NetlinkConstants.NLA_TYPE_MASK), _rest[4..len]);
        _rest = _rest[Math.Min(NetlinkConstants.Align(len), _rest.Length)..];
        return true;
    }
}

/// <summary>The kernel sent something we cannot parse (truncated message or attribute).</summary>
public sealed class NetlinkParseException : Exception
{
    public NetlinkParseException()
    {
    }

    public NetlinkParseException(string message)
        : base(message)
    {
    }

    public NetlinkParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    [DoesNotReturn]
    internal static void Throw(string message) => throw new NetlinkParseException(message);
}
