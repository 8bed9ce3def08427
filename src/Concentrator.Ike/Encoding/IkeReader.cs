using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Concentrator.Ike.Encoding;

/// <summary>
/// Reads big-endian IKEv2 fields from a received buffer. Every read checks the remaining length and fails with
/// INVALID_SYNTAX through <see cref="ThrowHelper"/>; <see cref="ReadMemory"/> hands out slices of the input so
/// that payload models need not copy variable-length fields.
/// </summary>
public ref struct IkeReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public IkeReader(ReadOnlyMemory<byte> buffer)
    {
        _memory = buffer;
        _span = buffer.Span;
        _position = 0;
    }

    /// <summary>Octets consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Octets not yet consumed.</summary>
    public readonly int Remaining => _span.Length - _position;

    /// <summary>The whole buffer this reader walks.</summary>
    public readonly ReadOnlyMemory<byte> Buffer => _memory;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Ensure(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
        {
            ThrowHelper.ThrowTruncated(count, _span.Length - _position);
        }
    }

    public byte ReadByte()
    {
        Ensure(1);
        return _span[_position++];
    }

    public ushort ReadUInt16()
    {
        Ensure(2);
        ushort value = BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(_position));
        _position += 2;
        return value;
    }

    /// <summary>Reads a 3-octet RESERVED field (ID, AUTH payloads).</summary>
    public void Skip(int count)
    {
        Ensure(count);
        _position += count;
    }

    public uint ReadUInt32()
    {
        Ensure(4);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(_position));
        _position += 4;
        return value;
    }

    public ulong ReadUInt64()
    {
        Ensure(8);
        ulong value = BinaryPrimitives.ReadUInt64BigEndian(_span.Slice(_position));
        _position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadSpan(int count)
    {
        Ensure(count);
        ReadOnlySpan<byte> value = _span.Slice(_position, count);
        _position += count;
        return value;
    }

    /// <summary>A slice of the input (no copy).</summary>
    public ReadOnlyMemory<byte> ReadMemory(int count)
    {
        Ensure(count);
        ReadOnlyMemory<byte> value = _memory.Slice(_position, count);
        _position += count;
        return value;
    }

    /// <summary>The rest of the buffer as a slice (no copy).</summary>
    public ReadOnlyMemory<byte> ReadRemaining() => ReadMemory(Remaining);

    /// <summary>A reader over the next <paramref name="count"/> octets; this reader moves past them.</summary>
    public IkeReader ReadSubReader(int count) => new(ReadMemory(count));

    /// <summary>Every structure ends here: octets left over mean the lengths disagree (INVALID_SYNTAX).</summary>
    public readonly void ReadEnd()
    {
        if (_position != _span.Length)
        {
            ThrowHelper.ThrowTrailingData(_span.Length - _position);
        }
    }
}
