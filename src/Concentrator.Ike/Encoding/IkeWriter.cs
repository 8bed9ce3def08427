using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Concentrator.Ike.Encoding;

/// <summary>
/// Writes big-endian IKEv2 fields into a caller's buffer. Length fields are written as placeholders and patched
/// when the enclosing structure ends: <c>using (writer.BeginLength16(...)) { ... }</c>.
/// </summary>
public ref struct IkeWriter
{
    private readonly Span<byte> _buffer;
    internal int _position;

    public IkeWriter(Span<byte> destination)
    {
        _buffer = destination;
        _position = 0;
    }

    /// <summary>Octets written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Everything written so far.</summary>
    public readonly Span<byte> Written => _buffer.Slice(0, _position);

    internal readonly Span<byte> Buffer => _buffer;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Ensure(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _position))
        {
            ThrowHelper.ThrowDestinationTooSmall();
        }
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_position++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_position), value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(_position), value);
        _position += 4;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.Slice(_position), value);
        _position += 8;
    }

    /// <summary>Writes <paramref name="count"/> zero octets (RESERVED fields: RFC 7296 §3.2, sent as zero).</summary>
    public void WriteZeros(int count)
    {
        Ensure(count);
        _buffer.Slice(_position, count).Clear();
        _position += count;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_buffer.Slice(_position));
        _position += value.Length;
    }

    /// <summary>Reserves <paramref name="count"/> octets to be filled later (e.g. a sealed body).</summary>
    public Span<byte> Advance(int count)
    {
        Ensure(count);
        Span<byte> slot = _buffer.Slice(_position, count);
        _position += count;
        return slot;
    }

    internal readonly void PatchUInt16(int offset, int value)
    {
        if ((uint)value > ushort.MaxValue)
        {
            ThrowHelper.ThrowLengthOverflow(value);
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(offset), (ushort)value);
    }

    internal readonly void PatchUInt32(int offset, int value) =>
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(offset), (uint)value);
}

/// <summary>Patches a length field when disposed: the length counts from <c>start</c> to the writer's position.</summary>
public readonly ref struct LengthScope
{
    private readonly Span<byte> _buffer;
    private readonly ref int _position;
    private readonly int _fieldOffset;
    private readonly int _start;
    private readonly bool _wide;

    internal LengthScope(Span<byte> buffer, ref int position, int fieldOffset, int start, bool wide)
    {
        _buffer = buffer;
        _position = ref position;
        _fieldOffset = fieldOffset;
        _start = start;
        _wide = wide;
    }

    public void Dispose()
    {
        int length = _position - _start;
        if (_wide)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(_fieldOffset), (uint)length);
        }
        else
        {
            if ((uint)length > ushort.MaxValue)
            {
                ThrowHelper.ThrowLengthOverflow(length);
            }

            BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_fieldOffset), (ushort)length);
        }
    }
}

/// <summary>The length scopes live outside <see cref="IkeWriter"/> because a scope holds a reference to the
/// writer's position, which a struct's own <c>this</c> may not give away.</summary>
public static class IkeWriterExtensions
{
    /// <summary>Writes a 2-octet length placeholder now; on dispose it becomes the number of octets from
    /// <paramref name="structureStart"/> to the end of what was written.</summary>
    public static LengthScope BeginLength16(this ref IkeWriter writer, int structureStart)
    {
        int field = writer.Position;
        writer.WriteUInt16(0);
        return new LengthScope(writer.Buffer, ref writer._position, field, structureStart, wide: false);
    }

    /// <summary>As <see cref="BeginLength16"/> with a 4-octet field (the IKE header's Length).</summary>
    public static LengthScope BeginLength32(this ref IkeWriter writer, int structureStart)
    {
        int field = writer.Position;
        writer.WriteUInt32(0);
        return new LengthScope(writer.Buffer, ref writer._position, field, structureStart, wide: true);
    }
}
