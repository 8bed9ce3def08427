namespace Concentrator.Kernel.Userspace;

/// <summary>
/// Inbound anti-replay (RFC 4303 section 3.4.3) as a sliding bitmap, with the ESN high-order inference of
/// Appendix A2. The window's right edge is <see cref="Top"/>, the highest 64-bit sequence number
/// authenticated so far. Usage per packet: <see cref="TryInfer"/> (before the ICV check: cheap rejection of
/// replays), then, once the ICV verified, <see cref="TryAccept"/> (which re-checks, then marks).
/// One thread at a time.
/// </summary>
internal sealed class ReplayWindow
{
    public const uint MaxSize = UserspaceIpsecOptions.MaxReplayWindow;
    private readonly ulong[] _bits;
    private readonly uint _size;
    private readonly bool _esn;
    private readonly int _mask;

    /// <param name="size">Window in packets; 0 disables the replay check (sequence numbers are still inferred).</param>
    public ReplayWindow(uint size, bool esn)
    {
        if (size > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"replay window is at most {MaxSize}");
        }

        _size = size;
        _esn = esn;
        // A ring of bits, a power of two of 64-bit words at least as large as the window.
        int words = 1;
        while (words * 64 < size)
        {
            words <<= 1;
        }

        _bits = new ulong[words];
        _mask = (words * 64) - 1;
    }

    public uint Size => _size;

    public ulong Top { get; private set; }

    /// <summary>
    /// Reconstructs the full sequence number from the 32 bits on the wire and rejects what is certainly a
    /// replay or too old. False = drop.
    /// </summary>
    public bool TryInfer(uint sequenceLow, out ulong sequence)
    {
        sequence = sequenceLow;
        if (!_esn)
        {
            // RFC 4303 section 3.3.3: without ESN the first packet is 1 and 0 is never sent.
            return sequenceLow != 0 && IsFresh(sequence);
        }

        uint w = Math.Max(_size, 1);
        uint tl = (uint)Top;
        uint th = (uint)(Top >> 32);
        uint seqHigh;
        // RFC 4303 Appendix A2.2: decide whether Seql lies in the window's span of the current high half, the
        // next one (the sender wrapped), or the previous one (the window straddles a wrap).
        if (tl >= w - 1)
        {
            seqHigh = sequenceLow >= tl - w + 1 ? th : th + 1;
        }
        else
        {
            if (sequenceLow >= unchecked(tl - w + 1))
            {
                if (th == 0)
                {
                    return false; // it would lie before sequence number 0
                }

                seqHigh = th - 1;
            }
            else
            {
                seqHigh = th;
            }
        }

        sequence = ((ulong)seqHigh << 32) | sequenceLow;
        return sequence != 0 && IsFresh(sequence);
    }

    /// <summary>Marks <paramref name="sequence"/> received after its ICV verified; false if it raced a duplicate.</summary>
    public bool TryAccept(ulong sequence)
    {
        if (!IsFresh(sequence))
        {
            return false;
        }

        if (sequence > Top)
        {
            ulong shift = sequence - Top;
            if (shift >= (ulong)(_mask + 1))
            {
                Array.Clear(_bits);
            }
            else
            {
                for (ulong s = Top + 1; s < sequence; s++)
                {
                    Clear(s);
                }
            }

            Top = sequence;
        }

        Set(sequence);
        return true;
    }

    private bool IsFresh(ulong sequence)
    {
        if (_size == 0 || sequence > Top)
        {
            return true;
        }

        // RFC 4303 section 3.4.3: left of the window = too old; inside = reject if already seen.
        return Top - sequence < _size && !IsSet(sequence);
    }

    private bool IsSet(ulong s)
    {
        int bit = (int)(s & (ulong)_mask);
        return (_bits[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    private void Set(ulong s)
    {
        int bit = (int)(s & (ulong)_mask);
        _bits[bit >> 6] |= 1UL << (bit & 63);
    }

    private void Clear(ulong s)
    {
        int bit = (int)(s & (ulong)_mask);
        _bits[bit >> 6] &= ~(1UL << (bit & 63));
    }
}
